/**
 * Golden tests: every goldens/<case>.json holds a one-line description and a
 * model; goldens/<case>.nft is the full expected script. Comparison is exact
 * and a failure prints a unified diff. Regenerate with `npm run goldens:update`
 * (UPDATE_GOLDENS=1), then review the diff in git.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { GatewayModel } from '../src/model.js';
import { applyRuleset, checkRuleset, readTable } from '../src/nft.js';
import { createNetns, type TestNetns } from './support/netns.js';

const dir = join(import.meta.dirname, 'goldens');
const update = process.env.UPDATE_GOLDENS === '1';

interface GoldenCase {
  name: string;
  description: string;
  model: GatewayModel;
  expectedPath: string;
}

const cases: GoldenCase[] = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { description: string; model: unknown };
    return {
      name: f.replace(/\.json$/, ''),
      description: raw.description,
      model: GatewayModel.parse(raw.model),
      expectedPath: join(dir, f.replace(/\.json$/, '.nft')),
    };
  });

describe('golden scripts', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(6);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.description}`, () => {
      const actual = compile(c.model);
      if (update) writeFileSync(c.expectedPath, actual);
      expect(existsSync(c.expectedPath), `missing ${c.expectedPath}; run npm run goldens:update`).toBe(true);
      const expected = readFileSync(c.expectedPath, 'utf8');
      if (actual !== expected) {
        const patch = createTwoFilesPatch(`${c.name}.nft (golden)`, `${c.name}.nft (compiled)`, expected, actual);
        expect.fail(`compiled script differs from the golden:\n${patch}`);
      }
    });
  }

  it('compiles deterministically: same model, same bytes', () => {
    for (const c of cases) {
      const again = GatewayModel.parse(JSON.parse(JSON.stringify(c.model)));
      expect(compile(again)).toBe(compile(c.model));
    }
  });
});

describe('every golden loads into a real kernel', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('golden');
  });
  afterAll(() => ns?.destroy());

  for (const c of cases) {
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
