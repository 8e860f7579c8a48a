/**
 * modelListing (the proposal's listing built from the model, for a panel that
 * may not create namespaces) against what the kernel lists for compile() of
 * the same model: the evaluator must find the same fate for every probe on
 * both. Models: each shape's proposal, and one with every kind of forward.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { type EquivalenceProbe, equivalenceReport } from '../src/import/equivalence.js';
import { importRuleset } from '../src/import/index.js';
import { modelListing } from '../src/import/model-listing.js';
import { readRuleset } from '../src/import/ruleset.js';
import { ChainTree } from '../src/import/walker.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset } from '../src/nft.js';
import { createNetns, type TestNetns } from './support/netns.js';

const fixtureFile = (file: string) => readFileSync(join(import.meta.dirname, 'fixtures', 'import', file), 'utf8');
const proposalOf = (name: string) =>
  importRuleset(JSON.parse(fixtureFile(`${name}.kernel.json`)), {
    listing: fixtureFile(`${name}.kernel.txt`),
    iptablesSave: fixtureFile(`${name}.kernel-save.txt`),
  }).model;

const RICH: GatewayModelInput = {
  interfaces: { wan: 'eth0', lan: ['eth1', 'eth2'] },
  gatewayForwards: [
    { id: 'ssh', name: 'ssh', publicPort: 2200, localPort: 22 },
    { id: 'dns', name: 'dns', protocol: 'udp', publicPort: 5300, localPort: 53, allowedSources: ['198.51.100.0/24'] },
  ],
  forwards: [
    { id: 'ftp', name: 'ftp', publicPorts: '21', target: '192.168.1.2' },
    { id: 'ftp2', name: 'ftp2', publicPorts: '2121', target: '192.168.1.2' },
    { id: 'ssh-srv', name: 'ssh', publicPorts: '2222', target: '192.168.1.2', targetPort: 22 },
    { id: 'range', name: 'range', publicPorts: '3000-3010', target: '192.168.1.3' },
    { id: 'shift', name: 'shift', publicPorts: '4000-4003', target: '192.168.1.3', targetPort: 5000 },
    { id: 'both', name: 'both', protocol: 'both', publicPorts: '3478', target: '192.168.1.4' },
    { id: 'src', name: 'src', publicPorts: '3389', target: '192.168.1.5', allowedSources: ['198.51.100.0/24'] },
    {
      id: 'src-new',
      name: 'src-new',
      protocol: 'udp',
      publicPorts: '6000',
      target: '192.168.1.5',
      targetPort: 60,
      allowedSources: ['203.0.113.0/24'],
    },
    { id: 'off', name: 'off', enabled: false, publicPorts: '7000', target: '192.168.1.6' },
  ],
  masquerade: { forwardedServers: true, lanToWan: false },
  ftp: { enabled: true, controlPorts: [21, 2121], passiveOnly: true },
  filter: { policy: 'drop', allowLanToWan: true },
};

function probesOf(m: GatewayModel): EquivalenceProbe[] {
  const out: EquivalenceProbe[] = [];
  const sources = ['198.51.100.9', '203.0.113.9', '192.0.2.200'];
  for (const f of m.forwards) {
    const ports = f.publicPorts.split(/[,-]/).map(Number);
    for (const proto of ['tcp', 'udp'] as const) {
      for (const port of ports) for (const saddr of sources) out.push({ proto, port, why: 'forward', saddr });
    }
  }
  for (const g of m.gatewayForwards) {
    for (const saddr of sources) out.push({ proto: 'udp', port: g.publicPort, why: 'gateway forward', saddr });
    for (const saddr of sources) out.push({ proto: 'tcp', port: g.publicPort, why: 'gateway forward', saddr });
  }
  return out;
}

describe('the proposal listing built from the model walks like the kernel listing', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('import-ml');
  });
  afterAll(() => ns?.destroy());

  const models: Array<[string, () => GatewayModelInput]> = [
    ['every kind of forward, passive-only, drop filter', () => RICH],
    ...['fw4', 'firewalld', 'iptables-nft', 'hand-written', 'syntax'].map(
      (name) => [`the ${name} proposal`, () => proposalOf(name)] as [string, () => GatewayModelInput],
    ),
  ];
  for (const [what, input] of models) {
    it(what, async () => {
      const model = GatewayModel.parse(input());
      await applyRuleset(compile(model), { runner: ns.runner });
      const kernel = JSON.parse((await ns.runner.run('nft', ['-j', 'list', 'table', 'ip', model.table])).stdout);
      const report = equivalenceReport({
        old: new ChainTree(readRuleset(kernel)),
        proposed: new ChainTree(readRuleset(modelListing(model))),
        probes: probesOf(model),
        wan: model.interfaces.wan,
        lan: model.interfaces.lan,
        wanAddress: '192.0.2.2',
      });
      expect(report.rows.length).toBeGreaterThan(0);
      expect(report.rows.filter((r) => !r.same)).toEqual([]);
      // And the walk found real forwards, not only "gateway" everywhere.
      expect(report.rows.some((r) => r.old.outcome === 'forwarded')).toBe(model.forwards.some((f) => f.enabled));
    });
  }
});
