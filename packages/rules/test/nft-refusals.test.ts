/**
 * Why the model refuses overlapping sources: nft does. A valid model is
 * compiled after its sources were made to overlap (bypassing validation),
 * and the kernel refuses the script: "File exists" for a few elements, and
 * "No buffer space available" once ~860 refused elements' error reports
 * overflow nft's netlink receive buffer (the testers' 4096-port shifted range).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { GatewayModel, validateModel } from '../src/model.js';
import { checkRuleset } from '../src/nft.js';
import { createNetns, type TestNetns } from './support/netns.js';

function withOverlappingSources(publicPorts: string, targetPort?: number): GatewayModel {
  const forward = { id: 'web', name: 'web', publicPorts, target: '192.168.1.3', allowedSources: ['10.0.0.0/8'] };
  const model = GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [targetPort === undefined ? forward : { ...forward, targetPort }],
  });
  const overlapping = ['10.0.0.0/8', '10.1.0.0/16'];
  const bad = { ...model, forwards: model.forwards.map((f) => ({ ...f, allowedSources: overlapping })) };
  expect(validateModel(bad).ok).toBe(false);
  return bad;
}

describe('nft refuses what the model now rejects', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('refusals');
  });
  afterAll(() => ns?.destroy());
  const check = (model: GatewayModel) => checkRuleset(compile(model), { runner: ns.runner });

  it('overlapping sources of one forward: File exists', async () => {
    await expect(check(withOverlappingSources('80'))).rejects.toThrow(/File exists/);
  });
  it('the same with a 4096-port shifted range: No buffer space available', async () => {
    await expect(check(withOverlappingSources('10000-14095', 30000))).rejects.toThrow(/No buffer space available/);
  });
  it('the shifted range itself loads once the sources are disjoint', async () => {
    const model = GatewayModel.parse({
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      forwards: [
        {
          id: 'web',
          name: 'web',
          publicPorts: '10000-14095',
          targetPort: 30000,
          target: '192.168.1.3',
          allowedSources: ['10.0.0.0/16', '10.1.0.0/16'],
        },
      ],
    });
    await expect(check(model)).resolves.toBeUndefined();
  });
});
