/**
 * Throwaway network namespaces for kernel tests (the lab's createNetns): unique
 * per run, always removed (afterAll, and on process exit or signal as a last
 * resort), each with a runner into it.
 */
import { createNetns as createLabNetns, listNetns } from '@gatehouse/lab';
import { createRunner, type Runner } from '../../src/runner.js';

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('kernel tests need root: they create network namespaces and load nftables rulesets (run as root)');
  }
}

export interface TestNetns {
  name: string;
  runner: Runner;
  destroy(): void;
}

export function createNetns(label = 'rules'): TestNetns {
  requireRoot();
  const ns = createLabNetns(`gh-${label}`, { loopback: false });
  return { name: ns.name, runner: createRunner({ netns: ns.name }), destroy: ns.destroy };
}

export function netnsExists(name: string): boolean {
  return listNetns().includes(name);
}
