/**
 * What the kernel says about the gateway, read without changing anything
 * (modules, interfaces, counters, helper objects), and the one change it
 * may need outside our table: loading nf_nat_ftp.
 *
 * nf_nat_ftp: nf_conntrack_ftp is pulled in by the kernel when a ct helper
 * object of type "ftp" is created, but nf_nat_ftp is not, and without it the
 * 227 reply keeps the private address. Where it is built in there is nothing
 * to load; where it is a module we modprobe it and the persistence files keep
 * it loaded across reboots.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { readTableJson } from './nft.js';
import { hostRunner, type Runner } from './runner.js';

export type ModuleState =
  | { module: string; state: 'builtin'; evidence: string }
  | { module: string; state: 'loaded'; evidence: string }
  | { module: string; state: 'modprobed'; evidence: string }
  | { module: string; state: 'missing'; evidence: string };

export interface KernelProbe {
  exists(path: string): Promise<boolean>;
  read(path: string): Promise<Buffer | null>;
  release(): Promise<string>;
}

const fsProbe: KernelProbe = {
  async exists(path) {
    return stat(path).then(
      () => true,
      () => false,
    );
  },
  async read(path) {
    return readFile(path).catch(() => null);
  },
  async release() {
    return ((await readFile('/proc/sys/kernel/osrelease', 'utf8').catch(() => '')) as string).trim();
  },
};

/**
 * Where a module stands, without changing anything. Built-in modules only
 * appear in /sys/module when they have parameters (nf_nat_ftp has none), so
 * modules.builtin, the kernel config and, on a kernel without module support,
 * the symbol table are consulted too.
 */
export async function probeModule(module: string, probe: KernelProbe = fsProbe): Promise<ModuleState | null> {
  const release = await probe.release();
  const procModules = await probe.read('/proc/modules');
  if (procModules && new RegExp(`^${module} `, 'm').test(procModules.toString('utf8'))) {
    return { module, state: 'loaded', evidence: '/proc/modules' };
  }
  if (await probe.exists(`/sys/module/${module}`)) {
    const loadable = await probe.exists(`/sys/module/${module}/initstate`);
    return loadable
      ? { module, state: 'loaded', evidence: `/sys/module/${module}` }
      : { module, state: 'builtin', evidence: `/sys/module/${module}` };
  }
  const builtin = await probe.read(`/lib/modules/${release}/modules.builtin`);
  if (builtin && new RegExp(`/${module}\\.ko$`, 'm').test(builtin.toString('utf8'))) {
    return { module, state: 'builtin', evidence: `/lib/modules/${release}/modules.builtin` };
  }
  const configSymbol = `CONFIG_${module.toUpperCase()}`;
  const config = await probe.read('/proc/config.gz');
  if (config) {
    const text = gunzipSync(config).toString('utf8');
    if (new RegExp(`^${configSymbol}=y$`, 'm').test(text)) {
      return { module, state: 'builtin', evidence: `/proc/config.gz ${configSymbol}=y` };
    }
  }
  if (!procModules) {
    // No /proc/modules: the kernel has no module support, so it is built in or absent.
    const syms = await probe.read('/proc/kallsyms');
    if (syms && new RegExp(` ${module}_init$`, 'm').test(syms.toString('utf8'))) {
      return { module, state: 'builtin', evidence: `/proc/kallsyms ${module}_init` };
    }
    return { module, state: 'missing', evidence: 'kernel without module support and no trace of the module' };
  }
  return null;
}

/** Makes sure a module is active: detect it, else modprobe it; reports which. */
export async function ensureModule(
  module: string,
  options: { runner?: Runner; probe?: KernelProbe } = {},
): Promise<ModuleState> {
  const found = await probeModule(module, options.probe);
  if (found) return found;
  const runner = options.runner ?? hostRunner();
  const r = await runner.run('modprobe', [module], { reject: false });
  if (r.exitCode === 0) return { module, state: 'modprobed', evidence: 'modprobe' };
  return { module, state: 'missing', evidence: r.stderr.trim() || `modprobe exited ${r.exitCode}` };
}

export const NAT_FTP_MODULE = 'nf_nat_ftp';

export function ensureNatFtp(options: { runner?: Runner; probe?: KernelProbe } = {}): Promise<ModuleState> {
  return ensureModule(NAT_FTP_MODULE, options);
}

export function natFtpState(probe?: KernelProbe): Promise<ModuleState | null> {
  return probeModule(NAT_FTP_MODULE, probe).catch(() => null);
}

export interface InterfaceState {
  name: string;
  state: string;
  mac: string | null;
  addresses: string[];
}

/** The interfaces and their addresses (`ip -j addr show`); empty when ip fails. */
export async function listInterfaces(runner: Runner = hostRunner()): Promise<InterfaceState[]> {
  const r = await runner.run('ip', ['-j', 'addr', 'show'], { reject: false });
  if (r.exitCode !== 0) return [];
  const list = JSON.parse(r.stdout || '[]') as Array<{
    ifname: string;
    operstate?: string;
    address?: string;
    addr_info?: Array<{ local: string; prefixlen: number }>;
  }>;
  return list.map((i) => ({
    name: i.ifname,
    state: i.operstate ?? 'UNKNOWN',
    mac: i.address ?? null,
    addresses: (i.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
  }));
}

export interface ForwardCounter {
  forwardId: string;
  packets: number;
  bytes: number;
}

/**
 * Packet/byte counters of each forward's map elements in `table`, summed per
 * forward (elements carry `comment "forward <id> ..."`); every id in
 * `forwardIds` is listed, at 0 when it has none. Empty when the table
 * cannot be read.
 */
export async function forwardCounters(
  table: string,
  forwardIds: readonly string[],
  runner: Runner = hostRunner(),
): Promise<ForwardCounter[]> {
  let json: unknown;
  try {
    json = await readTableJson(table, { runner });
  } catch {
    return [];
  }
  const sums = new Map<string, { packets: number; bytes: number }>();
  for (const id of forwardIds) sums.set(id, { packets: 0, bytes: 0 });
  const objects = (json as { nftables?: Array<Record<string, unknown>> }).nftables ?? [];
  for (const o of objects) {
    const map = o.map as { elem?: unknown[] } | undefined;
    for (const el of map?.elem ?? []) {
      const inner = (Array.isArray(el) ? el[0] : el) as {
        elem?: { comment?: string; counter?: { packets: number; bytes: number } };
      };
      const c = inner?.elem;
      const m = c?.comment ? /^forward (\S+)/.exec(c.comment) : null;
      if (!m || !c?.counter) continue;
      const s = sums.get(m[1] as string) ?? { packets: 0, bytes: 0 };
      s.packets += c.counter.packets;
      s.bytes += c.counter.bytes;
      sums.set(m[1] as string, s);
    }
  }
  return [...sums].map(([forwardId, s]) => ({ forwardId, ...s }));
}

/** Whether `table` holds a ct helper object (the FTP helper is live). */
export async function ctHelperLive(table: string, runner: Runner = hostRunner()): Promise<boolean> {
  const r = await runner.run('nft', ['list', 'ct', 'helpers', 'table', 'ip', table], { reject: false });
  return r.exitCode === 0 && /ct helper/.test(r.stdout);
}
