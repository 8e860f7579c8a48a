import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Options, ResultPromise } from 'execa';
import { execa } from 'execa';
import {
  BANNER_PORT,
  DEFAULT_FTP_PORTS,
  LAB_ADDR,
  LAB_BANNER,
  LAB_FILES,
  LAB_IFACE,
  NS_NAME_RE,
  PASV_PORT_RANGE,
  TMP_DIR_RE,
} from './constants.js';
import { untilStarted, waitForPorts, writeServedFiles } from './daemon.js';
import { atProcessEnd, cleanupStaleNetns, createNetns, killQuiet, type Netns, parsePids, pidAlive } from './netns.js';
import { BANNER_SERVER } from './scripts.js';
import { ftpUser, vsftpdConfig } from './vsftpd.js';

export type Where = 'client' | 'gateway' | 'server';

export interface ExecOptions {
  /** Written to the command's stdin. Without it stdin is /dev/null. */
  input?: string;
  /** Kill the command (SIGKILL) after this many ms. Default 60 000. */
  timeoutMs?: number;
  /** Throw on a non-zero exit code or a timeout (like execa). Default true. */
  reject?: boolean;
  /** Remove one trailing newline from stdout/stderr (like execa). Default true. */
  stripFinalNewline?: boolean;
}

export interface ExecResult {
  /** Exit code; -1 if the command was killed (timeout, signal) or could not start. */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface CreateLabOptions {
  /** Control ports of the vsftpd instances on 192.168.1.2 (one instance each). Default [21, 2121]. */
  ftpPorts?: number[];
  /** Start vsftpd and the port-22 banner services. Default true. */
  withServers?: boolean;
  /** How long to wait for the services to accept connections. Default 15 000 ms. */
  readyTimeoutMs?: number;
  /** vsftpd binary. Default /usr/sbin/vsftpd (Debian). */
  vsftpdPath?: string;
}

export interface Lab {
  /** `gh-<pid>-<4 hex>`; the namespaces are `<id>-client`, `<id>-gw`, `<id>-srv`. */
  readonly id: string;
  readonly ns: { readonly client: string; readonly gateway: string; readonly server: string };
  /** Interface names inside the gateway namespace. */
  readonly wan: 'eth0';
  readonly lan: 'eth1';
  readonly addr: typeof LAB_ADDR;
  /** FTP control ports served by vsftpd on 192.168.1.2 (empty when withServers is false). */
  readonly ftpPorts: number[];
  /** Per-lab temp dir (FTP root, vsftpd configs and logs); removed by destroy(). */
  readonly dir: string;
  /** True once destroy() has started. */
  readonly destroyed: boolean;
  /** Run a command inside a namespace (`ip netns exec`), argument array, no shell. */
  exec(where: Where, cmd: string, args: string[], opts?: ExecOptions): Promise<ExecResult>;
  /**
   * Start a long-running command inside a namespace. Returns the execa subprocess
   * (a promise that resolves, never rejects, when it exits). destroy() kills it.
   */
  spawn(where: Where, cmd: string, args: string[], opts?: Options): ResultPromise;
  /** vsftpd log (protocol log, including the client address it saw) of the instance on `port`. */
  ftpLog(port?: number): Promise<string>;
  /** Kill every process in the three namespaces, delete them and the temp dir. Idempotent. */
  destroy(): Promise<void>;
}

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;

function nsWhere<W extends string>(lab: LabImpl<W>, where: W): string {
  const name = lab.ns[where];
  if (!name) throw new Error(`unknown lab namespace ${String(where)}`);
  return name;
}

/**
 * Deadline for one setup command (`ip netns add`, `ip -batch`, sysctl): each
 * takes milliseconds; one that hangs must fail the lab with its name, not
 * stall whoever is waiting for the lab.
 */
const SETUP_STEP_TIMEOUT_MS = 15_000;

/** One setup command, with a deadline; the error names the command and what it printed. */
export async function setupStep(cmd: string, args: string[], input?: string): Promise<void> {
  const r = await execa(cmd, args, {
    ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
    timeout: SETUP_STEP_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    reject: false,
  });
  if (r.timedOut)
    throw new Error(`lab setup: \`${cmd} ${args.join(' ')}\` did not finish within ${SETUP_STEP_TIMEOUT_MS} ms`);
  if (r.exitCode !== 0)
    throw new Error(
      `lab setup: \`${cmd} ${args.join(' ')}\` failed (exit ${r.exitCode ?? r.signal}): ${r.stderr.trim()}`,
    );
}

/** Options for quick bookkeeping commands (`ip netns pids|del|list`, getent): a deadline, no stdin. */
const QUICK = { reject: false, stdin: 'ignore', timeout: SETUP_STEP_TIMEOUT_MS, killSignal: 'SIGKILL' } as const;

async function ip(args: string[]): Promise<void> {
  await setupStep('ip', args);
}

async function nsPids(ns: string): Promise<number[]> {
  const r = await execa('ip', ['netns', 'pids', ns], QUICK);
  if (r.exitCode !== 0) return [];
  return parsePids(r.stdout);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** SIGTERM every process in the namespaces, SIGKILL what is left after ~1 s. */
async function killAllIn(namespaces: string[]): Promise<void> {
  const pidsOf = async () => (await Promise.all(namespaces.map(nsPids))).flat();
  let pids = await pidsOf();
  for (const pid of pids) killQuiet(pid, 'SIGTERM');
  for (let i = 0; i < 50 && pids.length > 0; i++) {
    await sleep(20);
    pids = await pidsOf();
  }
  for (let round = 0; round < 5 && pids.length > 0; round++) {
    for (const pid of pids) killQuiet(pid, 'SIGKILL');
    await sleep(50);
    pids = await pidsOf();
  }
}

/**
 * A lab's namespaces, processes and temp dir; `W` names its namespaces (the
 * three of the lab, or the pair lab's five: pair.ts).
 */
export class LabImpl<W extends string = Where> {
  readonly wan = LAB_IFACE.wan;
  readonly lan = LAB_IFACE.lan;
  readonly addr = LAB_ADDR;
  ftpPorts: number[] = [];
  /** Namespaces this lab actually created (only these are ever deleted). */
  readonly created: Netns[] = [];
  /** Unregisters the exit/signal cleanup (set while the lab is live). */
  untilEnd: (() => void) | undefined;
  readonly children = new Set<ResultPromise>();
  dirCreated = false;
  private destroying: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly ns: Readonly<Record<W, string>>,
    readonly dir: string,
  ) {}

  get destroyed(): boolean {
    return this.destroying !== undefined;
  }

  private assertLive(): void {
    if (this.destroying) throw new Error(`lab ${this.id} is destroyed`);
  }

  async exec(where: W, cmd: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
    this.assertLive();
    const ns = nsWhere(this, where);
    const r = await execa('ip', ['netns', 'exec', ns, cmd, ...args], {
      ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' as const }),
      timeout: opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      reject: opts.reject ?? true,
      stripFinalNewline: opts.stripFinalNewline ?? true,
    });
    return {
      exitCode: r.exitCode ?? -1,
      stdout: r.stdout,
      stderr: r.stderr,
      timedOut: r.timedOut,
    };
  }

  spawn(where: W, cmd: string, args: string[], opts: Options = {}): ResultPromise {
    this.assertLive();
    const ns = nsWhere(this, where);
    const child = execa('ip', ['netns', 'exec', ns, cmd, ...args], { ...opts, reject: false });
    this.children.add(child);
    void child.finally(() => this.children.delete(child));
    return child;
  }

  async ftpLog(port?: number): Promise<string> {
    const p = port ?? this.ftpPorts[0];
    if (p === undefined) return '';
    try {
      return await readFile(join(this.dir, `vsftpd-${p}.log`), 'utf8');
    } catch {
      return '';
    }
  }

  destroy(): Promise<void> {
    this.destroying ??= this.doDestroy();
    return this.destroying;
  }

  private async doDestroy(): Promise<void> {
    this.untilEnd?.();
    for (const child of this.children) child.kill('SIGTERM');
    await killAllIn(this.created.map((n) => n.name));
    for (const child of this.children) child.kill('SIGKILL');
    for (const n of this.created) n.destroy();
    await Promise.race([Promise.allSettled([...this.children]), sleep(2000)]);
    if (this.dirCreated) await rm(this.dir, { recursive: true, force: true });
  }

  /** Used from exit/signal handlers: synchronous, best effort. */
  destroySync(): void {
    if (!this.destroying) this.destroying = Promise.resolve();
    this.untilEnd?.();
    for (const child of this.children) {
      try {
        child.kill('SIGKILL');
      } catch {
        // ignore
      }
    }
    for (const n of this.created) n.destroy();
    if (this.dirCreated) rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// creation

function validatePorts(ports: number[]): number[] {
  const seen = new Set<number>();
  for (const p of ports) {
    if (!Number.isInteger(p) || p < 1 || p > 65535) throw new Error(`invalid FTP port ${p}`);
    if (p === BANNER_PORT) throw new Error(`FTP port ${p} collides with the banner service`);
    if (p >= PASV_PORT_RANGE.min && p <= PASV_PORT_RANGE.max)
      throw new Error(`FTP port ${p} is inside the passive range`);
    if (seen.has(p)) throw new Error(`duplicate FTP port ${p}`);
    seen.add(p);
  }
  return [...seen];
}

async function buildNetwork(lab: LabImpl): Promise<void> {
  const { client, gateway, server } = lab.ns;
  // `lo` comes up in the batches below, with the addresses.
  for (const name of [client, gateway, server]) lab.created.push(createNetns('gh', { name, loopback: false }));
  // IPv6 off (less noise in conntrack and captures); forwarding on in the gateway only.
  const sysctl = (ns: string, extra: string[]) =>
    ip([
      'netns',
      'exec',
      ns,
      'sysctl',
      '-q',
      '-e',
      '-w',
      'net.ipv6.conf.all.disable_ipv6=1',
      'net.ipv6.conf.default.disable_ipv6=1',
      ...extra,
    ]);
  await Promise.all([sysctl(client, []), sysctl(gateway, ['net.ipv4.ip_forward=1']), sysctl(server, [])]);

  // veth pairs are created inside the namespaces: nothing ever appears in the host namespace.
  await ip(['-n', gateway, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', client]);
  await ip(['-n', gateway, 'link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', server]);

  const batch = (ns: string, lines: string[]) => setupStep('ip', ['-n', ns, '-batch', '-'], `${lines.join('\n')}\n`);
  await Promise.all([
    batch(client, [
      'link set lo up',
      `addr add ${LAB_ADDR.client}/24 dev eth0`,
      'link set eth0 up',
      `route add default via ${LAB_ADDR.gatewayWan}`,
    ]),
    batch(gateway, [
      'link set lo up',
      `addr add ${LAB_ADDR.gatewayWan}/24 dev eth0`,
      `addr add ${LAB_ADDR.gatewayLan}/24 dev eth1`,
      'link set eth0 up',
      'link set eth1 up',
    ]),
    // No default route on the server: replies to the public side only work through masquerade.
    batch(server, ['link set lo up', `addr add ${LAB_ADDR.server}/24 dev eth0`, 'link set eth0 up']),
  ]);

  const fwd = await lab.exec('gateway', 'sysctl', ['-n', 'net.ipv4.ip_forward']);
  if (fwd.stdout.trim() !== '1') throw new Error('could not enable ip_forward in the gateway namespace');
}

async function startServers(
  lab: LabImpl,
  o: { ftpPorts: number[]; readyTimeoutMs: number; vsftpdPath: string },
): Promise<void> {
  const { ftpPorts, readyTimeoutMs, vsftpdPath } = o;
  const root = join(lab.dir, 'ftp-root');
  const empty = join(lab.dir, 'empty');
  await writeServedFiles(lab.dir, root, LAB_FILES, 'FTP');
  await mkdir(empty, { mode: 0o755 });
  const user = await ftpUser();

  const services: { name: string; proc: ResultPromise }[] = [];
  for (const port of ftpPorts) {
    const conf = join(lab.dir, `vsftpd-${port}.conf`);
    const log = join(lab.dir, `vsftpd-${port}.log`);
    await writeFile(conf, vsftpdConfig({ port, root, empty, log, user }), { mode: 0o600 });
    services.push({
      name: `vsftpd on port ${port}`,
      proc: lab.spawn('server', vsftpdPath, [conf], { stdin: 'ignore', all: true }),
    });
  }
  services.push({
    name: 'server banner service',
    proc: lab.spawn(
      'server',
      process.execPath,
      ['-e', BANNER_SERVER, '--', LAB_ADDR.server, String(BANNER_PORT), LAB_BANNER.server],
      { stdin: 'ignore', all: true },
    ),
  });
  services.push({
    name: 'gateway banner service',
    proc: lab.spawn(
      'gateway',
      process.execPath,
      ['-e', BANNER_SERVER, '--', '0.0.0.0', String(BANNER_PORT), LAB_BANNER.gateway],
      { stdin: 'ignore', all: true },
    ),
  });

  // A failure names the services that did not come up, not the script that waited.
  const wait = async (where: Where, targets: { name: string; at: string }[]) => {
    const late = await waitForPorts(
      lab,
      where,
      targets.map((t) => t.at),
      readyTimeoutMs,
    );
    if (late.length === 0) return;
    const named = targets
      .filter((t) => late.includes(t.at))
      .map((t) => `${t.name} (${t.at})`)
      .join(', ');
    throw new Error(`lab ${lab.id}: ${named} did not accept connections within ${readyTimeoutMs} ms`);
  };
  await untilStarted(
    services,
    Promise.all([
      wait('server', [
        ...ftpPorts.map((p) => ({ name: `vsftpd on port ${p}`, at: `${LAB_ADDR.server}:${p}` })),
        { name: 'server banner service', at: `${LAB_ADDR.server}:${BANNER_PORT}` },
      ]),
      wait('gateway', [{ name: 'gateway banner service', at: `127.0.0.1:${BANNER_PORT}` }]),
    ]).then(() => undefined),
  );
}

/**
 * Build the three-namespace lab (client, gateway, server) of docs/ftp-behind-nat.md,
 * start vsftpd and the banner services (unless withServers is false) and wait until
 * they accept connections. On failure everything created so far is removed.
 */
export async function createLab(opts: CreateLabOptions = {}): Promise<Lab> {
  const withServers = opts.withServers ?? true;
  const ftpPorts = withServers ? validatePorts(opts.ftpPorts ?? [...DEFAULT_FTP_PORTS]) : [];
  const id = `gh-${process.pid}-${randomBytes(2).toString('hex')}`;
  const ns = { client: `${id}-client`, gateway: `${id}-gw`, server: `${id}-srv` } as const;
  const lab = new LabImpl(id, ns, join(tmpdir(), `gatehouse-lab-${id}`));
  lab.untilEnd = atProcessEnd(() => lab.destroySync());
  try {
    await mkdir(lab.dir, { mode: 0o755 });
    lab.dirCreated = true;
    await buildNetwork(lab);
    if (withServers) {
      await startServers(lab, {
        ftpPorts,
        readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
        vsftpdPath: opts.vsftpdPath ?? '/usr/sbin/vsftpd',
      });
      lab.ftpPorts = ftpPorts;
    }
  } catch (err) {
    await lab.destroy();
    throw err;
  }
  return lab;
}

/**
 * Remove our namespaces (the lab's and every createNetns one) and lab temp dirs whose
 * owner process (the pid in the name) is dead: kills their processes and deletes them.
 * Returns the deleted namespace names.
 */
export async function cleanupStale(): Promise<string[]> {
  const stale = cleanupStaleNetns();
  const tmp = tmpdir();
  for (const entry of readdirSync(tmp)) {
    const m = TMP_DIR_RE.exec(entry);
    if (m?.[1] && !pidAlive(Number(m[1]))) await rm(join(tmp, entry), { recursive: true, force: true });
  }
  return stale;
}

/** Names of all lab namespaces currently present (any owner). */
export async function listLabNamespaces(): Promise<string[]> {
  const r = await execa('ip', ['netns', 'list'], QUICK);
  if (r.exitCode !== 0) return [];
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => NS_NAME_RE.test(n));
}

/** What another process needs to use a lab it does not own (see attachLab). */
export interface LabInfo {
  id: string;
  ns: { client: string; gateway: string; server: string };
  dir: string;
  ftpPorts: number[];
}

export function labInfo(lab: Lab): LabInfo {
  return { id: lab.id, ns: { ...lab.ns }, dir: lab.dir, ftpPorts: [...lab.ftpPorts] };
}

/**
 * A handle on a lab created by another process (e.g. a test runner's global
 * setup, used from its workers). It runs commands in the lab's namespaces;
 * its destroy() only ends the processes it started itself: the namespaces
 * stay with their owner.
 */
export function attachLab(info: LabInfo): Lab {
  const lab = new LabImpl(info.id, info.ns, info.dir);
  lab.ftpPorts = [...info.ftpPorts];
  return lab;
}
