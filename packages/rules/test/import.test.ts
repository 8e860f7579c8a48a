/**
 * Adopting an existing gateway: the brief's hand-written tables, loaded into
 * a real kernel and listed as JSON, become a proposed Gatehouse model; the
 * proposal, compiled and applied instead of the hand-written table, carries
 * FTP through the lab gateway just as before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLab, ftpFetch, LAB_BANNER, LAB_FILES, type Lab, tcpBanner } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { proposeModel } from '../src/import.js';
import { GatewayModel } from '../src/model.js';
import { applyRuleset } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { createNetns, requireRoot, type TestNetns } from './support/netns.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const labInterfaces = [
  { name: 'eth0', prefixes: ['192.0.2.2/24'] },
  { name: 'eth1', prefixes: ['192.168.1.1/24'] },
];

async function listJson(runner: Runner): Promise<unknown> {
  return JSON.parse((await runner.run('nft', ['-j', 'list', 'ruleset'])).stdout);
}

describe('proposing a model from a live ruleset', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('import');
  });
  afterAll(() => ns?.destroy());

  it("reads the brief's final ruleset: gateway ssh, the forward, masquerade, the FTP helper", async () => {
    // `iif "eth0"` names an interface index, so the interface has to exist.
    await ns.runner.run('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer']);
    await ns.runner.run('nft', ['-f', '-'], { input: fixture('brief-final.nft') });
    const p = proposeModel(await listJson(ns.runner), { interfaces: labInterfaces });
    await ns.runner.run('nft', ['delete', 'table', 'ip', 'my_nat']);
    expect(p.notes).toEqual([]);
    expect(p.valid).toBe(true);
    expect(p.sources).toEqual(['ip my_nat']);
    expect(p.model.interfaces).toEqual({ wan: 'eth0', lan: ['eth1'] });
    expect(p.model.gatewayForwards).toMatchObject([{ protocol: 'tcp', publicPort: 2222, localPort: 22 }]);
    expect(p.model.forwards).toMatchObject([
      { protocol: 'tcp', publicPorts: '1-2221,2223-65535', target: '192.168.1.2', allowedSources: [] },
    ]);
    expect(p.model.masquerade).toEqual({ forwardedServers: true, lanToWan: true });
    expect(p.model.ftp).toEqual({ enabled: true, controlPorts: [21], servers: ['192.168.1.2'], passiveOnly: false });
  });

  it("reads the brief's seed, and names what it cannot carry over", async () => {
    await ns.runner.run('nft', ['-f', '-'], { input: fixture('brief-seed.nft') });
    const p = proposeModel(await listJson(ns.runner), { interfaces: labInterfaces });
    await ns.runner.run('nft', ['delete', 'table', 'ip', 'my_nat']);
    expect(p.model.forwards).toMatchObject([{ publicPorts: '1-1023', target: '192.168.1.2' }]);
    expect(p.model.masquerade).toEqual({ forwardedServers: true, lanToWan: false });
    expect(p.model.ftp?.enabled).toBe(false);
    expect(p.notes).toEqual([
      expect.stringMatching(
        /^ip my_nat my_postrouting \(handle \d+\): not a port forward, masquerade or FTP helper rule/,
      ),
    ]);
  });

  it("leaves out Gatehouse's own table", async () => {
    const own = GatewayModel.parse({
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      forwards: [{ id: 'web', name: 'web', publicPorts: '80', target: '192.168.1.5' }],
    });
    await applyRuleset(compile(own), { runner: ns.runner });
    const p = proposeModel(await listJson(ns.runner));
    expect(p.sources).toEqual([]);
    expect(p.model.forwards).toEqual([]);
  });
});

describe('an adopted gateway behaves as before', () => {
  let lab: Lab;
  let gw: Runner;
  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ ftpPorts: [21] });
    gw = createRunner({ netns: lab.ns.gateway });
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  it('FTP and ssh work with the hand-written table, and the same after switching to the proposal', async () => {
    await gw.run('nft', ['-f', '-'], { input: fixture('brief-final.nft') });
    const before = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt' });
    expect(before.ok, before.transcript).toBe(true);

    const p = proposeModel(await listJson(gw), { interfaces: labInterfaces });
    expect(p.valid).toBe(true);
    await gw.run('nft', ['delete', 'table', 'ip', 'my_nat']);
    const gone = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt', timeoutSec: 3 });
    expect(gone.ok).toBe(false);

    await applyRuleset(compile(GatewayModel.parse(p.model)), { runner: gw });
    const after = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt' });
    expect(after.ok, after.transcript).toBe(true);
    expect(after.pasvReply).toMatch(/\(192,0,2,2,/);
    expect(after.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());
    expect((await tcpBanner(lab, { port: 2222 })).banner).toBe(LAB_BANNER.gateway);
  });
});
