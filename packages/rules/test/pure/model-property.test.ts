/**
 * Property-based, no kernel: whatever the input, GatewayModel.safeParse
 * returns (never throws, stays fast), and a model it accepts compiles. That a
 * valid model also loads (nft -c) is ../model-property.test.ts.
 *
 * Fixed seed, so a failure reproduces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { GatewayModel } from '../../src/model.js';
import { corruptedModel } from '../support/model-arbitraries.js';

const SEED = 20_261_130;
const PURE_RUNS = 10_000;

function timedParse(input: unknown): { ok: boolean; ms: number } {
  const started = performance.now();
  const r = GatewayModel.safeParse(input);
  const ms = performance.now() - started;
  // A valid model must compile; compile() is pure, so this needs no kernel.
  if (r.success) compile(r.data);
  return { ok: r.success, ms };
}

/** The parse time of an input, timed again when slow: a GC pause or a JIT tier-up is not the input's fault. */
function safeParseTimed(input: unknown): { ok: boolean; ms: number } {
  const first = timedParse(input);
  return first.ms < 20 ? first : { ok: first.ok, ms: Math.min(first.ms, timedParse(input).ms) };
}

describe('GatewayModel.safeParse on arbitrary input', () => {
  it(`never throws and stays fast (${PURE_RUNS.toLocaleString('en-US')} cases)`, () => {
    let cases = 0;
    let valid = 0;
    let slowest = 0;
    const started = performance.now();
    fc.assert(
      fc.property(corruptedModel, (input) => {
        const { ok, ms } = safeParseTimed(input);
        cases++;
        if (ok) valid++;
        slowest = Math.max(slowest, ms);
        // Each case is small (a few forwards); a regex blow-up or a quadratic rule on a
        // 400 KB string takes seconds. Generous for a shared CI core.
        expect(ms).toBeLessThan(100);
      }),
      { seed: SEED, numRuns: PURE_RUNS },
    );
    const total = performance.now() - started;
    console.log(
      `model fuzz: ${cases} cases (${valid} valid) in ${Math.round(total)} ms, slowest parse ${slowest.toFixed(1)} ms`,
    );
    expect(cases).toBe(PURE_RUNS);
  });
});
