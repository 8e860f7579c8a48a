/**
 * A forward change applied as a delta leaves the kernel in exactly the state
 * a full apply of the new model would: proven by listing both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { planForwardChange } from '../src/delta.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset, readTable } from '../src/nft.js';
import { createNetns, type TestNetns } from './support/netns.js';

const base: GatewayModelInput = {
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  forwards: [
    { id: 'ftp', name: 'FTP', publicPorts: '21', target: '192.168.1.2' },
    { id: 'web', name: 'web', publicPorts: '80,443', target: '192.168.1.3' },
    {
      id: 'rdp',
      name: 'rdp',
      publicPorts: '13389',
      target: '192.168.1.4',
      targetPort: 3389,
      allowedSources: ['203.0.113.0/24'],
    },
  ],
  ftp: { enabled: true, controlPorts: [21] },
};
const model = (edit: (m: GatewayModelInput) => void = () => {}) => {
  const m = structuredClone(base);
  edit(m);
  return GatewayModel.parse(m);
};

describe('planning a forward change', () => {
  it('adds one element for a new forward', () => {
    const next = model((m) =>
      m.forwards?.push({ id: 'dns', name: 'dns', protocol: 'udp', publicPorts: '53', target: '192.168.1.9' }),
    );
    const plan = planForwardChange(model(), next, ['dns']);
    expect(plan).toEqual({
      kind: 'delta',
      added: 1,
      removed: 0,
      script: 'add element ip gatehouse forward_udp_same_port { 53 comment "forward dns" : 192.168.1.9 }\n',
    });
  });
  it('replaces the elements of an updated forward, including source-limited ones', () => {
    const next = model((m) => {
      m.forwards![2]!.allowedSources = ['198.51.100.0/24'];
    });
    const plan = planForwardChange(model(), next, ['rdp']);
    expect(plan.kind === 'delta' && plan.script).toBe(
      'delete element ip gatehouse forward_src_new_port { tcp . 203.0.113.0/24 . 13389 }\n' +
        'add element ip gatehouse forward_src_new_port { tcp . 198.51.100.0/24 . 13389 comment "forward rdp" : 192.168.1.4 . 3389 }\n',
    );
  });
  it('falls back to a full apply when the helper derives its servers from the changed forward', () => {
    const next = model((m) => {
      m.forwards![0]!.target = '192.168.1.7';
    });
    expect(planForwardChange(model(), next, ['ftp'])).toMatchObject({
      kind: 'full',
      reason: expect.stringMatching(/FTP helper/),
    });
  });
  it('falls back to a full apply when anything besides forwards changed', () => {
    const next = model((m) => {
      m.masquerade = { forwardedServers: false, lanToWan: true };
    });
    expect(planForwardChange(model(), next, []).kind).toBe('full');
  });
});

describe('a delta lands where a full apply would', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('delta');
  });
  afterAll(() => ns?.destroy());

  it.each([
    [
      'create',
      (m: GatewayModelInput) =>
        m.forwards?.push({
          id: 'games',
          name: 'games',
          protocol: 'both',
          publicPorts: '27015-27017',
          target: '192.168.1.12',
          targetPort: 28015,
        }),
      'games',
    ],
    [
      'update',
      (m: GatewayModelInput) => {
        m.forwards![1]!.publicPorts = '8080-8090';
      },
      'web',
    ],
    [
      'disable',
      (m: GatewayModelInput) => {
        m.forwards![2]!.enabled = false;
      },
      'rdp',
    ],
    [
      'delete',
      (m: GatewayModelInput) => {
        m.forwards!.splice(1, 1);
      },
      'web',
    ],
  ] as const)('%s', async (_name, edit, id) => {
    const prev = model();
    const next = model(edit);
    const plan = planForwardChange(prev, next, [id]);
    expect(plan.kind).toBe('delta');
    if (plan.kind !== 'delta') return;
    await applyRuleset(compile(next), { runner: ns.runner });
    const full = await readTable('gatehouse', { runner: ns.runner });
    await applyRuleset(compile(prev), { runner: ns.runner });
    await applyRuleset(plan.script, { runner: ns.runner });
    expect(await readTable('gatehouse', { runner: ns.runner })).toBe(full);
  });
});
