/**
 * Kernel check, for each helper kind (helper-kinds.ts): its conntrack
 * module (nf_conntrack_ftp reads FTP control channels and creates the
 * expectations) and its NAT module (nf_nat_ftp rewrites the address in
 * them), and how each is there. A kernel without module support (like the
 * lab's) shows neither in /proc/modules; @gatehouse/rules' probeModule reads
 * /sys/module, modules.builtin, the kernel config and the symbol table. The
 * live proof is that a `ct helper` of the kind's type loads: checked with
 * `nft -c` (nothing is created) in the gateway's namespace, through the one
 * runner.
 */
import { HELPER_KIND_SPECS, type HelperKind, type ModuleState, probeHelperKind, type Runner } from '@gatehouse/rules';
import type { FtpDoctorCheck, FtpDoctorCode } from '../../schemas/ftp-diagnosis.js';
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

/** What each kind's kernel check says, by code (FTP's codes predate the family). */
const KERNEL_CODES = {
  ftp: {
    ok: 'kernel.ok',
    conntrackMissing: 'kernel.conntrack_missing',
    natMissing: 'kernel.nat_missing',
    helperLoads: 'evidence.helper_loads',
    helperRefused: 'evidence.helper_refused',
    fixConntrack: 'fix.kernel_conntrack_ftp',
    fixNat: 'fix.load_nat_ftp',
  },
  tftp: {
    ok: 'tftp.kernel_ok',
    conntrackMissing: 'tftp.kernel_conntrack_missing',
    natMissing: 'tftp.kernel_nat_missing',
    helperLoads: 'tftp.evidence_helper_loads',
    helperRefused: 'tftp.evidence_helper_refused',
    fixConntrack: 'tftp.fix_kernel_conntrack',
    fixNat: 'tftp.fix_load_nat',
  },
} as const satisfies Record<HelperKind, Record<string, FtpDoctorCode>>;

/** Pure: a helper kind's kernel verdict from what was read (its modules from the registry). */
export function helperKernelCheck(kind: HelperKind, f: HelperKernelFacts): FtpDoctorCheck {
  const spec = HELPER_KIND_SPECS[kind];
  const codes = KERNEL_CODES[kind];
  const evidence = [
    say('evidence.module', {
      module: spec.conntrackModule,
      state: how(f.conntrack),
      source: f.conntrack?.evidence ?? '-',
    }),
    say('evidence.module', { module: spec.natModule, state: how(f.nat), source: f.nat?.evidence ?? '-' }),
  ];
  if (f.helperLoads) {
    evidence.push(
      f.helperLoads.ok
        ? say(codes.helperLoads)
        : say(codes.helperRefused, { message: f.helperLoads.message || 'nft refused it' }),
    );
  }
  // The helper loading proves the conntrack module whatever the files say (it may be autoloaded).
  const conntrackOk = f.helperLoads ? f.helperLoads.ok : present(f.conntrack);
  if (!conntrackOk) {
    return check('kernel', 'failure', say(codes.conntrackMissing), evidence, say(codes.fixConntrack));
  }
  if (!present(f.nat)) return check('kernel', 'failure', say(codes.natMissing), evidence, say(codes.fixNat));
  return check(
    'kernel',
    'ok',
    say(codes.ok, {
      conntrack: how(f.conntrack ?? { module: '', state: 'loaded', evidence: '' }),
      nat: how(f.nat),
    }),
    evidence,
  );
}

/** Pure: FTP's kernel verdict. */
export function kernelCheck(f: KernelFacts): FtpDoctorCheck {
  return helperKernelCheck('ftp', { conntrack: f.conntrackFtp, nat: f.natFtp, helperLoads: f.helperLoads });
}
