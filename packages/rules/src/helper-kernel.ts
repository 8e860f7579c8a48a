/**
 * Whether the kernel can run a helper kind: its conntrack module (reads the
 * protocol, creates expectations) and its NAT module (gives the expected
 * flow its master's NAT), each as loaded, built in or missing, read without
 * changing anything (kernel.ts probeModule: /proc/modules, /sys/module,
 * modules.builtin, /proc/config.gz, /proc/kallsyms). The module names come
 * from the registry (helper-kinds.ts), so a new kind needs nothing here.
 */
import { HELPER_KIND_SPECS, HELPER_KINDS, type HelperKind } from './helper-kinds.js';
import { type KernelProbe, type ModuleState, probeModule } from './kernel.js';

export interface HelperKernelState {
  kind: HelperKind;
  /** nf_conntrack_<kind>; null when nothing says where it stands (a module not loaded yet, say). */
  conntrack: ModuleState | null;
  /** nf_nat_<kind>; null likewise. */
  nat: ModuleState | null;
}

export async function probeHelperKind(kind: HelperKind, probe?: KernelProbe): Promise<HelperKernelState> {
  const spec = HELPER_KIND_SPECS[kind];
  const [conntrack, nat] = await Promise.all([
    probeModule(spec.conntrackModule, probe).catch(() => null),
    probeModule(spec.natModule, probe).catch(() => null),
  ]);
  return { kind, conntrack, nat };
}

/** Every kind's modules, in registry order. */
export function probeHelperKinds(probe?: KernelProbe): Promise<HelperKernelState[]> {
  return Promise.all(HELPER_KINDS.map((k) => probeHelperKind(k, probe)));
}
