/**
 * Import, proven with real traffic: each foreign ruleset (firewall4,
 * firewalld, iptables-nft, Docker next to a hand-written table, the brief's
 * hand-written table) is loaded into the lab gateway; FTP (passive and
 * active, on 21 and 2121), a plain TCP forward to the server's ssh and the
 * gateway's own ssh are tried with real clients; the kernel's listing is
 * imported; the tables the import read are retired and the proposal applied
 * (the server does both in one transaction; here one after the other); the
 * same traffic must behave the same, and the equivalence report (the same
 * walker on the old listing and on the proposal as the kernel lists it) must
 * agree. Once the other way: a proposal without the helper breaks passive
 * FTP, and the report flags it. One lab for the file; ~60 s.
 */
import { createLab, ftpFetch, LAB_ADDR, LAB_BANNER, LAB_FILES, type Lab, tcpBanner } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import {
  type ImportOptions,
  type ImportResult,
  importEquivalence,
  importRuleset,
  listCompiled,
} from '../src/import/index.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { deleteAllTables, loadShape, type ShapeName, snapshot } from './support/import-shapes.js';
import { requireRoot } from './support/netns.js';

const FAIL_FAST = 3; // seconds: an expected failure is a refused data connection, not a slow success

interface Expected {
  /** Public port forwarded to the server's ssh (22), and the one redirected to the gateway's own. */
  serverSsh: number;
  gatewaySsh: number;
  /** Active FTP works (no passive-only in the source ruleset). */
  active: boolean;
}

const EXPECTED: Record<ShapeName, Expected> = {
  fw4: { serverSsh: 2222, gatewaySsh: 2200, active: true },
  firewalld: { serverSsh: 2222, gatewaySsh: 2200, active: true },
  'iptables-nft': { serverSsh: 2222, gatewaySsh: 2200, active: false },
  docker: { serverSsh: 22, gatewaySsh: 2222, active: false },
  'hand-written': { serverSsh: 22, gatewaySsh: 2222, active: false },
};

interface Behaviour {
  passive21: boolean;
  active21: boolean;
  passive2121: boolean;
  active2121: boolean;
  serverSsh: string;
  gatewaySsh: string;
}

async function fetchOk(lab: Lab, mode: 'passive' | 'active', port: number, expectOk: boolean): Promise<boolean> {
  const r = await ftpFetch(lab, { mode, port, path: 'hello.txt', ...(expectOk ? {} : { timeoutSec: FAIL_FAST }) });
  if (r.ok) expect(r.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());
  if (r.ok && mode === 'passive') expect(r.pasvReply).toMatch(/\(192,0,2,2,/);
  return r.ok;
}

async function behaviour(lab: Lab, exp: Expected): Promise<Behaviour> {
  return {
    passive21: await fetchOk(lab, 'passive', 21, true),
    active21: await fetchOk(lab, 'active', 21, exp.active),
    passive2121: await fetchOk(lab, 'passive', 2121, true),
    active2121: await fetchOk(lab, 'active', 2121, exp.active),
    serverSsh: (await tcpBanner(lab, { port: exp.serverSsh })).banner,
    gatewaySsh: (await tcpBanner(lab, { port: exp.gatewaySsh })).banner,
  };
}

const expectedBehaviour = (exp: Expected): Behaviour => ({
  passive21: true,
  active21: exp.active,
  passive2121: true,
  active2121: exp.active,
  serverSsh: LAB_BANNER.server,
  gatewaySsh: LAB_BANNER.gateway,
});

async function importOptions(gw: Runner, snap: { listing: string; save: string }): Promise<ImportOptions> {
  const links = JSON.parse((await gw.run('ip', ['-j', 'link'])).stdout) as Array<{ ifname: string }>;
  const addrs = JSON.parse((await gw.run('ip', ['-j', '-4', 'addr'])).stdout) as Array<{
    ifname: string;
    addr_info: Array<{ local: string; prefixlen: number }>;
  }>;
  return {
    listing: snap.listing,
    iptablesSave: snap.save,
    liveInterfaces: links.map((l) => l.ifname),
    interfaces: addrs.map((a) => ({ name: a.ifname, prefixes: a.addr_info.map((i) => `${i.local}/${i.prefixlen}`) })),
  };
}

/** What each shape must yield: the same forwards and helper whatever the tool. */
function expectProposal(shape: ShapeName, r: ImportResult) {
  const m = r.model;
  expect(r.valid, JSON.stringify(r.problems)).toBe(true);
  expect(m.interfaces).toEqual({ wan: 'eth0', lan: ['eth1'] });
  expect(r.interfaces.fromRuleset).toBe(true);
  expect(r.interfaces.missing).toEqual([]);
  expect(m.ftp).toMatchObject({ enabled: true, controlPorts: [21, 2121], passiveOnly: !EXPECTED[shape].active });
  expect(m.masquerade).toEqual({ forwardedServers: true, lanToWan: true });
  const exp = EXPECTED[shape];
  expect(m.gatewayForwards).toMatchObject([{ protocol: 'tcp', publicPort: exp.gatewaySsh, localPort: 22 }]);
  if (exp.serverSsh === 22) {
    expect(m.forwards).toMatchObject([{ protocol: 'tcp', publicPorts: '1-2221,2223-65535', target: LAB_ADDR.server }]);
  } else {
    expect(m.forwards?.map((f) => [f.publicPorts, f.target, f.targetPort])).toEqual([
      ['21', LAB_ADDR.server, undefined],
      ['2121', LAB_ADDR.server, undefined],
      ['2222', LAB_ADDR.server, 22],
    ]);
  }
  expect(r.summary.decisions).toBe(r.notes.filter((n) => n.group === 'decision').length);
}

describe('importing what other tools left in the lab gateway', () => {
  let lab: Lab;
  let gw: Runner;

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ ftpPorts: [21, 2121] });
    gw = createRunner({ netns: lab.ns.gateway });
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  async function fresh(shape: ShapeName) {
    await deleteAllTables(gw);
    await gw.run('conntrack', ['-F'], { reject: false });
    await loadShape(gw, shape);
  }

  async function adopt(shape: ShapeName) {
    const exp = EXPECTED[shape];
    await fresh(shape);
    const before = await behaviour(lab, exp);
    expect(before).toEqual(expectedBehaviour(exp));

    const snap = await snapshot(gw);
    const options = await importOptions(gw, snap);
    const result = importRuleset(snap.json, options);
    expectProposal(shape, result);

    const kept = result.tables.filter((t) => !t.retire);
    const keptBefore = await Promise.all(kept.map((t) => gw.run('nft', ['list', 'table', t.family, t.name])));
    for (const t of result.tables.filter((x) => x.retire)) await gw.run('nft', ['delete', 'table', t.family, t.name]);
    const model = GatewayModel.parse(result.model);
    await applyRuleset(compile(model), { runner: gw });
    await gw.run('conntrack', ['-F'], { reject: false });

    expect(await behaviour(lab, exp)).toEqual(before);
    const keptAfter = await Promise.all(kept.map((t) => gw.run('nft', ['list', 'table', t.family, t.name])));
    const noCounters = (text: string) => text.replace(/counter packets \d+ bytes \d+/g, 'counter');
    expect(keptAfter.map((r) => noCounters(r.stdout))).toEqual(keptBefore.map((r) => noCounters(r.stdout)));

    const proposalListing = JSON.parse((await gw.run('nft', ['-j', 'list', 'table', 'ip', model.table])).stdout);
    const report = importEquivalence(snap.json, result, proposalListing, options);
    expect(
      report.same,
      JSON.stringify(
        report.rows.filter((r) => !r.same),
        null,
        1,
      ),
    ).toBe(true);
    const helperRows = report.rows.filter((r) => r.why === 'helper port');
    expect(helperRows.map((r) => r.port)).toEqual([21, 2121]);
    for (const row of helperRows) {
      expect(row.old).toMatchObject({ outcome: 'forwarded', helper: 'ftp', passiveData: 'accepted' });
      expect(row.old.activeData).toBe(exp.active ? 'accepted' : 'dropped');
    }
    return { snap, options, result, report };
  }

  it('firewall4: zones, redirect, zone helpers, reflection', async () => {
    const { result } = await adopt('fw4');
    expect(result.tables).toEqual([{ family: 'inet', name: 'fw4', tool: 'firewall4', retire: true }]);
    expect(result.notes.filter((n) => n.code === 'reflection.carried').map((n) => n.params.port)).toEqual([
      '21',
      '2121',
      '2222',
    ]);
    expect(result.model.forwards?.every((f) => f.reflection === true)).toBe(true);
    expect(result.notes.find((n) => n.code === 'chain.local_traffic' && n.params.hook === 'input')?.group).toBe(
      'harmless',
    );
  });

  it("firewalld: zone chains, forward-ports, the zone's helper", async () => {
    const { result } = await adopt('firewalld');
    expect(result.tables).toEqual([{ family: 'inet', name: 'firewalld', tool: 'firewalld', retire: true }]);
    expect(result.summary.decisions).toBe(0);
  });

  it('iptables-nft: DNAT, REDIRECT, CT --helper and MASQUERADE as iptables-nft 1.8.9 loads them', async () => {
    const { result, snap } = await adopt('iptables-nft');
    expect(JSON.stringify(snap.json)).toContain('"xt"'); // the kernel holds xt expressions...
    expect(result.tables.map((t) => `${t.family} ${t.name} ${t.tool}`).sort()).toEqual([
      'ip filter iptables-nft',
      'ip mangle iptables-nft',
      'ip nat iptables-nft',
      'ip raw iptables-nft',
    ]);
    expect(result.summary.decisions).toBe(0); // ...and every one was read
  });

  it("Docker's chains stay Docker's: left alone and never retired", async () => {
    const { result } = await adopt('docker');
    expect(result.tables).toEqual([
      { family: 'ip', name: 'nat', tool: 'docker', retire: false },
      { family: 'ip', name: 'filter', tool: 'docker', retire: false },
      { family: 'ip', name: 'my_nat', tool: 'hand-written', retire: true },
    ]);
    expect(result.notes.filter((n) => n.code === 'docker.left_alone')).toHaveLength(2);
    // Docker's own published port is not proposed as a forward.
    expect(result.model.forwards?.some((f) => f.target === '172.17.0.2')).toBe(false);
  });

  it("the brief's hand-written ruleset, with passive-only", async () => {
    const { result, snap, options } = await adopt('hand-written');
    // The proposal listed by the kernel in a throwaway namespace gives the same report as the gateway's own listing.
    const viaUnshare = await listCompiled(compile(GatewayModel.parse(result.model)), createRunner());
    expect(importEquivalence(snap.json, result, viaUnshare, options).same).toBe(true);
  });

  it('the other way: a proposal without the helper breaks passive FTP, and the report says so', async () => {
    await fresh('hand-written');
    const snap = await snapshot(gw);
    const options = await importOptions(gw, snap);
    const result = importRuleset(snap.json, options);
    const withoutHelper: GatewayModelInput = {
      ...result.model,
      ftp: { enabled: false, controlPorts: [21], servers: [], passiveOnly: false },
    };
    const model = GatewayModel.parse(withoutHelper);
    await deleteAllTables(gw);
    await applyRuleset(compile(model), { runner: gw });
    const passive = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt', timeoutSec: FAIL_FAST });
    expect(passive.transcript).toMatch(/230 /);
    expect(passive.ok).toBe(false);

    const proposalListing = JSON.parse((await gw.run('nft', ['-j', 'list', 'table', 'ip', model.table])).stdout);
    const report = importEquivalence(snap.json, result, proposalListing, options);
    expect(report.same).toBe(false);
    const row = report.rows.find((r) => r.why === 'helper port' && r.port === 21);
    expect(row?.same).toBe(false);
    expect(row?.differences).toContain('helper: ftp -> none');
  });
});
