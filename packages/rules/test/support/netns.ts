/**
 * Throwaway network namespaces for kernel tests: unique per run, always
 * removed (afterAll, and on process exit as a last resort).
 */

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRunner, type Runner } from '../../src/runner.js';

const live = new Set<string>();
process.once('exit', () => {
  for (const ns of live) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
});

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
  const name = `gh-${label}-${process.pid}-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  live.add(name);
  return {
    name,
    runner: createRunner({ netns: name }),
    destroy() {
      if (!live.has(name)) return;
      live.delete(name);
      execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
    },
  };
}

export function netnsExists(name: string): boolean {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .some((l) => l.split(' ')[0] === name);
}
