/**
 * TFTP in the lab: in.tftpd (tftpd-hpa) on the server, 192.168.1.2:69, and
 * the tftp-hpa client on the client namespace, through the gateway.
 *
 * Why TFTP needs a helper behind NAT: the client sends its read request to
 * port 69, but the server answers from a NEW port (RFC 1350: each transfer
 * gets its own TID). That reply is not the reply of the request's flow, so
 * conntrack does not NAT it back: with masquerade of forwarded servers it
 * goes to the gateway's LAN address, where nothing listens. nf_conntrack_tftp
 * sees the request and expects the reply flow (any server port); nf_nat_tftp
 * gives it the master's NAT, so it reaches the client.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { LAB_ADDR } from './constants.js';
import { stopOnce, writeServedFiles } from './daemon.js';
import type { Lab, Where } from './lab.js';

/** Files the lab TFTP server serves, with their exact content. */
export const LAB_TFTP_FILES = {
  'boot.txt': 'Hello from the Gatehouse lab TFTP server.\n',
} as const satisfies Record<string, string>;

export interface TftpServerOptions {
  /** Namespace in.tftpd runs in. Default 'server'. */
  where?: Where;
  /** Default 192.168.1.2. */
  address?: string;
  /** Default 69. */
  port?: number;
  /** Files to serve (name -> content). Default LAB_TFTP_FILES. */
  files?: Record<string, string>;
  /** How long to wait for the socket to be bound. Default 10 000 ms. */
  readyTimeoutMs?: number;
  /** in.tftpd binary. Default /usr/sbin/in.tftpd (Debian tftpd-hpa). */
  tftpdPath?: string;
}

export interface TftpServer {
  address: string;
  port: number;
  /** The served directory. */
  root: string;
  pid: number | undefined;
  /** SIGSTOP the daemon: requests queue unanswered (to see an expectation before its data flow). */
  pause(): void;
  /** SIGCONT it: queued requests are served. */
  resume(): void;
  /** Stop it (SIGTERM, then SIGKILL). lab.destroy() does it too. Idempotent. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Whether a UDP socket is bound on address:port inside the namespace (`ss`, no traffic). */
async function udpBound(lab: Lab, where: Where, address: string, port: number): Promise<boolean> {
  const r = await lab.exec(where, 'ss', ['-H', '-u', '-l', '-n'], { reject: false, timeoutMs: 5000 });
  return r.stdout.split('\n').some((l) => l.split(/\s+/).includes(`${address}:${port}`));
}

/**
 * Start in.tftpd inside a lab namespace (default: the server) serving `files`
 * read-only from a directory of the lab. Resolves once its socket is bound;
 * the process is a lab child, so lab.destroy() ends it.
 */
export async function startTftpServer(lab: Lab, opts: TftpServerOptions = {}): Promise<TftpServer> {
  const where = opts.where ?? 'server';
  const address = opts.address ?? LAB_ADDR.server;
  const port = opts.port ?? 69;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid TFTP port ${port}`);
  const root = join(lab.dir, `tftp-${port}`);
  await writeServedFiles(lab.dir, root, opts.files ?? LAB_TFTP_FILES, 'TFTP');
  // -L: stay in the foreground (a lab child); -s: chroot to the root; -a: this address only.
  const proc: ResultPromise = lab.spawn(
    where,
    opts.tftpdPath ?? '/usr/sbin/in.tftpd',
    ['-L', '-s', root, '-a', `${address}:${port}`],
    {
      stdin: 'ignore',
      all: true,
    },
  );
  let exited = false;
  void proc.then(() => {
    exited = true;
  });
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      const r = await proc;
      const out = typeof r.all === 'string' ? r.all.trim() : '';
      throw new Error(`in.tftpd on ${address}:${port} exited during startup (exit ${r.exitCode ?? r.signal}): ${out}`);
    }
    if (await udpBound(lab, where, address, port)) break;
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      await proc;
      throw new Error(`in.tftpd on ${address}:${port} did not bind within ${readyTimeoutMs} ms`);
    }
    await sleep(50);
  }
  return {
    address,
    port,
    root,
    pid: proc.pid,
    pause: () => void proc.kill('SIGSTOP'),
    resume: () => void proc.kill('SIGCONT'),
    // A paused daemon does not act on SIGTERM until it is continued.
    stop: stopOnce(proc, () => void proc.kill('SIGCONT')),
  };
}

export interface TftpGetOptions {
  /** Namespace the client runs in. Default 'client'. */
  from?: Where;
  /** Default: the gateway's public address 192.0.2.2. */
  host?: string;
  /** Default 69. */
  port?: number;
  file: string;
  /** The client's total timeout (tftp's `timeout`), seconds. Default 8. */
  timeoutSec?: number;
}

export interface TftpGetResult {
  /** The client reported a received file. */
  ok: boolean;
  /** The file as received ('' when nothing arrived). */
  body: string;
  /** The client gave up: no data arrived within the timeout. */
  timedOut: boolean;
  /** What the client printed (its `getting from ...`, `Received ...`, `Transfer timed out.`, `Error code ...`). */
  transcript: string;
}

/**
 * A real tftp-hpa `get` from a lab namespace (by default the client, through
 * the gateway's public address), in octet mode, with a bounded timeout (the
 * client's own default is 25 s): the commands go to the client's stdin, as
 * `tftp host port -c get file` would run them. Never throws for network
 * failures; look at ok / timedOut / transcript.
 */
export async function tftpGet(lab: Lab, opts: TftpGetOptions): Promise<TftpGetResult> {
  const host = opts.host ?? LAB_ADDR.gatewayWan;
  const port = opts.port ?? 69;
  const timeoutSec = opts.timeoutSec ?? 8;
  if (!/^[A-Za-z0-9._-]+$/.test(opts.file)) throw new Error(`invalid TFTP file name ${opts.file}`);
  const local = join(lab.dir, `tftp-get-${randomBytes(4).toString('hex')}`);
  const script = ['mode octet', `timeout ${timeoutSec}`, 'rexmt 1', `get ${opts.file} ${local}`, 'quit', ''].join('\n');
  try {
    const r = await lab.exec(opts.from ?? 'client', 'tftp', ['-v', host, String(port)], {
      input: script,
      reject: false,
      timeoutMs: (timeoutSec + 10) * 1000,
    });
    const transcript = `${r.stdout}${r.stderr ? `\n${r.stderr}` : ''}`;
    const received = /Received \d+ bytes/.test(transcript);
    const body = received ? await readFile(local, 'utf8').catch(() => '') : '';
    return { ok: received, body, timedOut: /Transfer timed out/.test(transcript), transcript };
  } finally {
    await rm(local, { force: true });
  }
}
