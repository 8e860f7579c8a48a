import { createInterface } from 'node:readline';
import { LAB_ADDR } from './constants.js';
import type { Lab, Where } from './lab.js';
import { BANNER_CLIENT, FTP_HOLD_PASSIVE } from './scripts.js';

export interface FtpFetchOptions {
  /** Namespace curl runs in. Default 'client'. */
  from?: Where;
  /** Default: the gateway's public address 192.0.2.2. */
  host?: string;
  /** Control port. Default 21. */
  port?: number;
  /** '' (default) lists '/', 'hello.txt' retrieves that file. A trailing '/' lists a directory. */
  path?: string;
  /** passive: PASV (EPSV disabled), curl connects to the address in the 227 reply.
   *  active: PORT (EPRT disabled), the server connects back. */
  mode: 'passive' | 'active';
  /** Address curl announces in PORT (active mode). Default '-' (the control connection's local address). */
  activeAddress?: string;
  /** curl --max-time; default 8. --connect-timeout is min(5, timeoutSec). */
  timeoutSec?: number;
}

export interface FtpFetchResult {
  /** curl exit code 0. */
  ok: boolean;
  /** curl exit code: 7 couldn't connect, 28 timeout, 30 PORT failed, 13 bad PASV reply, ... */
  exitCode: number;
  /** Listing or file content. */
  body: string;
  /** curl -v output (stderr): the control channel dialogue and connection attempts. */
  transcript: string;
  /** The `227 Entering Passive Mode (...)` reply as the client saw it (passive mode). */
  pasvReply?: string;
  /** Address and port parsed from the 227 reply. */
  pasvAddress?: { host: string; port: number };
  /** The `PORT h1,h2,h3,h4,p1,p2` command curl sent (active mode). */
  portCommand?: string;
}

/** Parse the `(h1,h2,h3,h4,p1,p2)` of a 227 reply or PORT command. */
export function parseHostPort(text: string): { host: string; port: number } | undefined {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(text);
  if (!m) return undefined;
  return { host: [m[1], m[2], m[3], m[4]].join('.'), port: Number(m[5]) * 256 + Number(m[6]) };
}

/** The `227` reply in a curl -v transcript and the address it announces (FTP and FTPS fetches). */
export function pasvReplyOf(transcript: string): { pasvReply?: string; pasvAddress?: { host: string; port: number } } {
  const pasvReply = /^< (227 .*)$/m.exec(transcript)?.[1]?.trimEnd();
  if (!pasvReply) return {};
  const pasvAddress = parseHostPort(pasvReply);
  return pasvAddress ? { pasvReply, pasvAddress } : { pasvReply };
}

/**
 * Fetch a listing or a file with curl from inside a lab namespace (by default
 * the client, through the gateway's public address). Never throws for FTP or
 * network failures; look at ok / exitCode / transcript.
 */
export async function ftpFetch(lab: Lab, opts: FtpFetchOptions): Promise<FtpFetchResult> {
  const host = opts.host ?? LAB_ADDR.gatewayWan;
  const port = opts.port ?? 21;
  const path = opts.path ?? '';
  const maxTime = opts.timeoutSec ?? 8;
  const connectTimeout = Math.min(5, maxTime);
  const args = ['-sS', '-v', '--connect-timeout', String(connectTimeout), '--max-time', String(maxTime)];
  if (opts.mode === 'passive') {
    args.push('--ftp-pasv', '--disable-epsv', '--no-ftp-skip-pasv-ip');
  } else {
    args.push('--ftp-port', opts.activeAddress ?? '-', '--disable-eprt');
  }
  args.push(`ftp://${host}:${port}/${path.replace(/^\/+/, '')}`);

  const r = await lab.exec(opts.from ?? 'client', 'curl', args, {
    reject: false,
    timeoutMs: (maxTime + 5) * 1000,
    stripFinalNewline: false,
  });
  const transcript = r.stderr;
  const result: FtpFetchResult = {
    ok: r.exitCode === 0,
    exitCode: r.exitCode,
    body: r.stdout,
    transcript,
    ...pasvReplyOf(transcript),
  };
  const portCmd = /^> (PORT .*)$/m.exec(transcript)?.[1]?.trimEnd();
  if (portCmd) result.portCommand = portCmd;
  return result;
}

export interface TcpBannerOptions {
  /** Namespace the connection starts from. Default 'client'. */
  from?: Where;
  /** Default: the gateway's public address 192.0.2.2. */
  host?: string;
  port: number;
  /** Default 3000. */
  timeoutMs?: number;
  /** Line to send after the banner; the banner services echo it back (reported as `echo`). */
  send?: string;
}

export interface TcpBannerResult {
  /** A full first line was received (and the echo, if `send` was given). */
  ok: boolean;
  /** First line, without CR/LF ('' if nothing arrived). */
  banner: string;
  echo?: string;
  /** 'timeout', 'ECONNREFUSED', 'EHOSTUNREACH', 'closed by peer', ... */
  error?: string;
}

/** Open a TCP connection from a lab namespace and read the first line (e.g. an SSH banner). */
export async function tcpBanner(lab: Lab, opts: TcpBannerOptions): Promise<TcpBannerResult> {
  const host = opts.host ?? LAB_ADDR.gatewayWan;
  const timeoutMs = opts.timeoutMs ?? 3000;
  const args = ['-e', BANNER_CLIENT, '--', host, String(opts.port), String(timeoutMs)];
  if (opts.send !== undefined) args.push(opts.send);
  const r = await lab.exec(opts.from ?? 'client', process.execPath, args, {
    reject: false,
    timeoutMs: timeoutMs + 5000,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as TcpBannerResult;
    return parsed;
  } catch {
    return { ok: false, banner: '', error: `probe failed (exit ${r.exitCode}): ${r.stderr.trim()}` };
  }
}

export interface HoldPassiveOptions {
  /** Namespace the control connection starts from. Default 'client'. */
  from?: Where;
  /** Default: the gateway's public address 192.0.2.2. */
  host?: string;
  /** Control port. Default 21. */
  port?: number;
  /** Per-step timeout (connect, each reply). Default 8000. */
  timeoutMs?: number;
}

export interface HeldPassive {
  /** The 227 reply as received by the client. */
  pasvReply: string;
  /** Address and port from the 227 reply (what the data connection will go to). */
  dataHost: string;
  dataPort: number;
  /** Local (client-side) address and port of the control connection. */
  controlSourceAddress: string;
  controlSourcePort: number;
  /** Connect the data channel (to dataHost:dataPort), send LIST, return the listing. Consumes the expectation. */
  connectData(): Promise<string>;
  /** QUIT and end the helper process. Idempotent. */
  close(): Promise<void>;
}

interface PasvEvent {
  event: 'pasv';
  reply: string;
  dataHost: string;
  dataPort: number;
  controlSourceAddress: string;
  controlSourcePort: number;
}

interface Reply {
  id: number;
  ok: boolean;
  error?: string;
  listing?: string;
}

/**
 * Log in anonymously over a raw control connection, send PASV and stop there: the
 * control connection stays open and the data connection is not made, so the
 * conntrack expectation created by the FTP helper stays in the gateway's table
 * until connectData() or close().
 */
export async function holdPassive(lab: Lab, opts: HoldPassiveOptions = {}): Promise<HeldPassive> {
  const host = opts.host ?? LAB_ADDR.gatewayWan;
  const port = opts.port ?? 21;
  const timeoutMs = opts.timeoutMs ?? 8000;
  const child = lab.spawn(
    opts.from ?? 'client',
    process.execPath,
    ['-e', FTP_HOLD_PASSIVE, '--', host, String(port), String(timeoutMs)],
    { stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
  });
  const stdout = child.stdout;
  const stdin = child.stdin;
  if (!stdout || !stdin) throw new Error('holdPassive: no stdio pipes');
  stdin.on('error', () => {
    // EPIPE after the helper exited: reported through `exited`
  });

  let exited = false;
  const waiting = new Map<number, (r: Reply) => void>();
  let first: ((ev: PasvEvent | { event: 'error'; message: string }) => void) | undefined;
  const firstEvent = new Promise<PasvEvent | { event: 'error'; message: string }>((resolve) => {
    first = resolve;
  });

  const rl = createInterface({ input: stdout });
  rl.on('line', (line) => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    const m = msg as { event?: string; id?: number };
    if (m.event === 'pasv' || m.event === 'error') first?.(msg as PasvEvent);
    else if (typeof m.id === 'number') {
      waiting.get(m.id)?.(msg as Reply);
      waiting.delete(m.id);
    }
  });
  void child.then(() => {
    exited = true;
    first?.({ event: 'error', message: `helper exited: ${stderr.trim()}` });
    for (const [id, cb] of waiting) cb({ id, ok: false, error: `helper exited: ${stderr.trim()}` });
    waiting.clear();
  });

  // The helper has a deadline for each step; this one is for the helper itself (a stuck process).
  const deadlineMs = 5 * timeoutMs + 5000;
  let deadline: NodeJS.Timeout | undefined;
  const ev = await Promise.race([
    firstEvent,
    new Promise<{ event: 'error'; message: string }>((resolve) => {
      deadline = setTimeout(
        () => resolve({ event: 'error', message: `no PASV reply within ${deadlineMs} ms` }),
        deadlineMs,
      );
    }),
  ]);
  clearTimeout(deadline);
  if (ev.event === 'error') {
    child.kill('SIGKILL');
    await child;
    throw new Error(`holdPassive ${host}:${port}: ${ev.message}`);
  }

  let nextId = 1;
  const request = (cmd: string): Promise<Reply> => {
    if (exited) return Promise.resolve({ id: 0, ok: false, error: 'helper has exited' });
    const id = nextId++;
    return new Promise<Reply>((resolve) => {
      waiting.set(id, resolve);
      stdin.write(`${JSON.stringify({ id, cmd })}\n`);
    });
  };

  let closed: Promise<void> | undefined;
  return {
    pasvReply: ev.reply,
    dataHost: ev.dataHost,
    dataPort: ev.dataPort,
    controlSourceAddress: ev.controlSourceAddress,
    controlSourcePort: ev.controlSourcePort,
    async connectData() {
      const r = await request('connectData');
      if (!r.ok) throw new Error(`holdPassive connectData: ${r.error ?? 'failed'}`);
      return r.listing ?? '';
    },
    close() {
      closed ??= (async () => {
        if (!exited) {
          await Promise.race([request('close'), new Promise((r) => setTimeout(r, 3000))]);
          stdin.end();
        }
        const t = setTimeout(() => child.kill('SIGKILL'), 2000);
        await child;
        clearTimeout(t);
      })();
      return closed;
    },
  };
}
