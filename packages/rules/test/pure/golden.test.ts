/**
 * Golden tests, as text: each case's compiled script must equal its golden
 * exactly, and a failure prints a unified diff. Regenerate with
 * `npm run goldens:update` (UPDATE_GOLDENS=1), then review the diff in git.
 * That every golden also loads into a kernel is golden-kernel.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createTwoFilesPatch } from 'diff';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { GatewayModel } from '../../src/model.js';
import { goldenCases } from '../support/goldens.js';

const update = process.env.UPDATE_GOLDENS === '1';

describe('golden scripts', () => {
  it('has cases', () => {
    expect(goldenCases.length).toBeGreaterThanOrEqual(6);
  });

  for (const c of goldenCases) {
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
    for (const c of goldenCases) {
      const again = GatewayModel.parse(JSON.parse(JSON.stringify(c.model)));
      expect(compile(again)).toBe(compile(c.model));
    }
  });
});
