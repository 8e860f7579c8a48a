/**
 * Kernel check: nf_conntrack_ftp (reads FTP control channels, creates the
 * expectations) and nf_nat_ftp (rewrites the address in them), and how each
 * is there. A kernel without module support (like the lab's) shows neither
 * in /proc/modules; @gatehouse/rules' probeModule reads /sys/module,
 * modules.builtin, the kernel config and the symbol table. The live proof is
 * that a `ct helper` of type "ftp" loads: checked with `nft -c` (nothing is
 * created) in the gateway's namespace, through the one runner.
 */
import { HELPER_KIND_SPECS, type HelperKind, type ModuleState, probeHelperKind, type Runner } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import { check, say } from './texts.js';

export interface KernelFacts {
  conntrackFtp: ModuleState | null;
  natFtp: ModuleState | null;
  /** null when nft could not be run at all. */
  helperLoads: { ok: boolean; message: string } | null;
}

/** Any helper kind's kernel facts: its modules (helper-kernel.ts, from the registry) and whether its ct helper loads. */
export interface HelperKernelFacts {
  conntrack: ModuleState | null;
  nat: ModuleState | null;
  helperLoads: { ok: boolean; message: string } | null;
}

/** A throwaway table that is only ever checked (`nft -c`), never loaded. */
function helperCheckScript(kind: HelperKind): string {
  const spec = HELPER_KIND_SPECS[kind];
  return [
    `table ip gatehouse_${kind}_doctor {`,
    `\tct helper ${kind}-check {`,
    `\t\ttype "${spec.nftType}" protocol ${spec.protocol}`,
    '\t\tl3proto ip',
    '\t}',
    '}',
    '',
  ].join('\n');
}

export async function readHelperKernel(runner: Runner, kind: HelperKind): Promise<HelperKernelFacts> {
  const [modules, nft] = await Promise.all([
    probeHelperKind(kind).catch(() => ({ conntrack: null, nat: null })),
    runner
      .run('nft', ['-c', '-f', '-'], { input: helperCheckScript(kind), reject: false, timeoutMs: 10_000 })
      .catch(() => null),
  ]);
  const helperLoads = nft
    ? { ok: nft.exitCode === 0, message: nft.stderr.trim().split('\n')[0]?.slice(0, 300) ?? '' }
    : null;
  return { conntrack: modules.conntrack, nat: modules.nat, helperLoads };
}

export async function readKernelFacts(runner: Runner): Promise<KernelFacts> {
  const k = await readHelperKernel(runner, 'ftp');
  return { conntrackFtp: k.conntrack, natFtp: k.nat, helperLoads: k.helperLoads };
}

export const present = (m: ModuleState | null) => m !== null && m.state !== 'missing';
/** A state code (builtin, loaded, modprobed, missing, unknown): the UI translates it. */
export const how = (m: ModuleState | null) => m?.state ?? 'unknown';

/** Pure: the verdict from what was read. */
export function kernelCheck(f: KernelFacts): FtpDoctorCheck {
  const evidence = [
    say('evidence.module', {
      module: 'nf_conntrack_ftp',
      state: how(f.conntrackFtp),
      source: f.conntrackFtp?.evidence ?? '-',
    }),
    say('evidence.module', { module: 'nf_nat_ftp', state: how(f.natFtp), source: f.natFtp?.evidence ?? '-' }),
  ];
  if (f.helperLoads) {
    evidence.push(
      f.helperLoads.ok
        ? say('evidence.helper_loads')
        : say('evidence.helper_refused', { message: f.helperLoads.message || 'nft refused it' }),
    );
  }
  // The helper loading proves nf_conntrack_ftp whatever the files say (it may be autoloaded).
  const conntrackOk = f.helperLoads ? f.helperLoads.ok : present(f.conntrackFtp);
  if (!conntrackOk) {
    return check('kernel', 'failure', say('kernel.conntrack_missing'), evidence, say('fix.kernel_conntrack_ftp'));
  }
  if (!present(f.natFtp)) {
    return check('kernel', 'failure', say('kernel.nat_missing'), evidence, say('fix.load_nat_ftp'));
  }
  return check(
    'kernel',
    'ok',
    say('kernel.ok', {
      conntrack: how(f.conntrackFtp ?? { module: '', state: 'loaded', evidence: '' }),
      nat: how(f.natFtp),
    }),
    evidence,
  );
}
