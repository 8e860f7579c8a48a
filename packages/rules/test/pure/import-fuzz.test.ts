/**
 * Hostile listings: each fixture as the kernel printed it, mutated at random
 * (values swapped for other types, keys dropped, array items dropped),
 * must import without throwing, give a proposal that validates or says why,
 * and an equivalence report. Deterministic (seeded), a few hundred cases.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEquivalence, importRuleset } from '../../src/import/index.js';
import { validateModel } from '../../src/model.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'import');
const kernel = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.kernel.json`), 'utf8')) as unknown;

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ODD: unknown[] = [
  null,
  0,
  -1,
  65536,
  1e308,
  '',
  'eth0',
  '@nowhere',
  [],
  {},
  { set: 7 },
  { range: [9, 'x'] },
  { concat: null },
  true,
];

function mutate(node: unknown, rnd: () => number, depth = 0): unknown {
  if (rnd() < 0.04) return ODD[Math.floor(rnd() * ODD.length)];
  if (Array.isArray(node)) {
    const out = node.map((x) => mutate(x, rnd, depth + 1));
    if (rnd() < 0.05) out.splice(Math.floor(rnd() * out.length), 1);
    return out;
  }
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (rnd() < 0.03) continue;
      out[k] = mutate(v, rnd, depth + 1);
    }
    return out;
  }
  return node;
}

describe('importing a mutated listing never throws', () => {
  for (const name of ['fw4', 'firewalld', 'iptables-nft', 'docker', 'hand-written', 'syntax']) {
    it(name, () => {
      const rnd = prng(name.length * 7919);
      const base = kernel(name);
      for (let i = 0; i < 60; i++) {
        const listing = mutate(base, rnd);
        const r = importRuleset(listing, { liveInterfaces: ['eth0', 'eth1'] });
        expect(validateModel(r.model).ok).toBe(r.valid);
        if (!r.valid) expect(r.problems.length).toBeGreaterThan(0);
        const report = importEquivalence(listing, r, listing);
        expect(report.rows.length).toBe(new Set(r.probes.map((p) => `${p.proto} ${p.port} ${p.saddr ?? ''}`)).size);
      }
    });
  }
});
