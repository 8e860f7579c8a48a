/**
 * Property-based, in the kernel: a model that passes validation always loads:
 * nft -c accepts its compiled script, in a namespace created for the test.
 * (That safeParse never throws on arbitrary input is pure/model-property.test.ts.)
 *
 * Fixed seed, so a failure reproduces; GATEHOUSE_FUZZ_RUNS runs more models
 * through nft (default 200).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { GatewayModel } from '../src/model.js';
import { checkRuleset } from '../src/nft.js';
import { gatewayModel } from './support/model-arbitraries.js';
import { createNetns, type TestNetns } from './support/netns.js';

const SEED = 20_261_130;
const KERNEL_RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 200);

describe('a model that passes validation loads (nft -c in a namespace)', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('fuzz');
  });
  afterAll(() => ns?.destroy());

  it(`nft accepts every valid generated model (${KERNEL_RUNS} models)`, { timeout: 600_000 }, async () => {
    let cases = 0;
    let valid = 0;
    const started = performance.now();
    await fc.assert(
      fc.asyncProperty(gatewayModel, async (input) => {
        cases++;
        const r = GatewayModel.safeParse(input);
        if (!r.success) return;
        valid++;
        await checkRuleset(compile(r.data), { runner: ns.runner });
      }),
      { seed: SEED, numRuns: KERNEL_RUNS },
    );
    console.log(
      `kernel fuzz: ${cases} models, ${valid} valid and all accepted by nft -c, in ${Math.round(performance.now() - started)} ms`,
    );
    // The generator must mostly produce valid models, or this proves little.
    expect(valid).toBeGreaterThan(cases * 0.3);
  });
});
