/**
 * nf_nat_ftp: nf_conntrack_ftp is pulled in by the kernel when a ct helper
 * object of type "ftp" is created, but nf_nat_ftp is not, and without it the
 * 227 reply keeps the private address. Where it is built in there is nothing
 * to load; where it is a module we modprobe it and the persistence files keep
 * it loaded across reboots.
 */
import { readFile, stat } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
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
