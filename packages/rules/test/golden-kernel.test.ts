/**
 * Every golden loads into a real kernel: `nft -c` accepts it and `nft -f`
 * applies it (twice, replacing the table) in a namespace created for the test,
 * so no golden can be syntactically wrong. The text comparison is pure/golden.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRuleset, checkRuleset, readTable } from '../src/nft.js';
import { goldenCases } from './support/goldens.js';
import { createNetns, type TestNetns } from './support/netns.js';

describe('every golden loads into a real kernel', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('golden');
  });
  afterAll(() => ns?.destroy());

  for (const c of goldenCases) {
    it(`${c.name}: nft -c accepts it, nft -f applies it, and it applies twice`, async () => {
      const script = readFileSync(c.expectedPath, 'utf8');
      await checkRuleset(script, { runner: ns.runner });
      await applyRuleset(script, { runner: ns.runner });
      const first = await readTable(c.model.table, { runner: ns.runner });
      expect(first).toContain(`table ip ${c.model.table}`);
      // Applying the same script again replaces the table rather than piling up elements or rules.
      await applyRuleset(script, { runner: ns.runner });
      expect(await readTable(c.model.table, { runner: ns.runner })).toBe(first);
      await ns.runner.run('nft', ['delete', 'table', 'ip', c.model.table]);
    });
  }
});
