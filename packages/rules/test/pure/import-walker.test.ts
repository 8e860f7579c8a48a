/**
 * The import walker and evaluator on what the kernel printed back for each
 * fixture (test/fixtures/import/*.kernel.json, checked against a real kernel
 * by import-fixtures.test.ts): every syntax the issue lists, read by meaning.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fateOf } from '../../src/import/evaluate.js';
import { readXtDetails } from '../../src/import/iptables-nft.js';
import { summarise } from '../../src/import/recognise.js';
import { readRuleset } from '../../src/import/ruleset.js';
import { ChainTree } from '../../src/import/walker.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'import');
const kernel = (name: string) => JSON.parse(readFileSync(join(dir, `${name}.kernel.json`), 'utf8')) as unknown;
const text = (name: string, kind: 'kernel.txt' | 'kernel-save.txt') =>
  readFileSync(join(dir, `${name}.${kind}`), 'utf8');

function treeOf(name: string, withXt = false): ChainTree {
  const rs = readRuleset(kernel(name));
  return new ChainTree(
    rs,
    withXt ? readXtDetails(rs, text(name, 'kernel.txt'), text(name, 'kernel-save.txt')) : undefined,
  );
}

const wanConn = (dport: number, l4proto: 'tcp' | 'udp' = 'tcp', saddr = '203.0.113.9', iifname = 'wan0') => ({
  iifname,
  l4proto,
  dport,
  saddr,
  daddr: '192.0.2.2',
});
const toLan = () => 'lan0';

describe('the chain tree', () => {
  it('follows jump and goto from the base chains, carrying the jumping rule as context', () => {
    const tree = treeOf('fw4');
    const dstnat = tree.baseChains('prerouting').find((c) => c.name === 'dstnat');
    expect(dstnat).toMatchObject({ family: 'inet', type: 'nat', prio: -100 });
    const walked = tree.walk(dstnat as NonNullable<typeof dstnat>);
    const ftp = walked.find((r) => r.rule.comment === '!fw4: ftp');
    expect(ftp?.path).toEqual(['dstnat', 'dstnat_wan']);
    expect(summarise([...(ftp?.context ?? []), ...(ftp?.conds ?? [])])).toMatchObject({
      iif: ['eth0'],
      proto: 'tcp',
      dports: [{ from: 21, to: 21 }],
    });
    expect(ftp?.verb).toEqual({ k: 'dnat', addr: '192.168.1.2', port: 21 });
    // goto: firewalld's zone dispatch
    const nat = treeOf('firewalld')
      .baseChains('prerouting')
      .find((c) => c.name === 'nat_PREROUTING');
    const fw = treeOf('firewalld').walk(nat as NonNullable<typeof nat>);
    expect(fw.find((r) => r.verb.k === 'redirect')?.path).toEqual([
      'nat_PREROUTING',
      'nat_PREROUTING_ZONES',
      'nat_PRE_public',
      'nat_PRE_public_allow',
    ]);
  });

  it('reads base chains in ip and inet tables in priority order', () => {
    const pre = treeOf('syntax').baseChains('prerouting');
    expect(pre.map((c) => `${c.name} ${c.prio}`)).toEqual(['early_helpers -300', 'pre -100', 'helpers 0']);
    expect(
      treeOf('hand-written')
        .baseChains()
        .map((c) => c.family),
    ).toEqual(['ip', 'ip', 'ip', 'ip']);
  });

  it('cuts a jump loop and a missing chain instead of hanging', () => {
    const loop = {
      nftables: [
        { table: { family: 'ip', name: 't' } },
        {
          chain: {
            family: 'ip',
            table: 't',
            name: 'base',
            type: 'nat',
            hook: 'prerouting',
            prio: -100,
            policy: 'accept',
          },
        },
        { chain: { family: 'ip', table: 't', name: 'a' } },
        { chain: { family: 'ip', table: 't', name: 'b' } },
        { rule: { family: 'ip', table: 't', chain: 'base', handle: 1, expr: [{ jump: { target: 'a' } }] } },
        { rule: { family: 'ip', table: 't', chain: 'a', handle: 2, expr: [{ jump: { target: 'b' } }] } },
        { rule: { family: 'ip', table: 't', chain: 'b', handle: 3, expr: [{ jump: { target: 'a' } }] } },
        { rule: { family: 'ip', table: 't', chain: 'b', handle: 4, expr: [{ goto: { target: 'nowhere' } }] } },
      ],
    };
    const tree = new ChainTree(readRuleset(loop));
    const base = tree.baseChains()[0] as NonNullable<ReturnType<typeof tree.baseChains>[0]>;
    expect(tree.walk(base)).toHaveLength(2);
    expect(tree.cuts.join('\n')).toMatch(/jump a not followed[\s\S]*goto nowhere not followed/);
    expect(fateOf(tree, wanConn(80), toLan).outcome).toBe('gateway');
  });
});

describe('matches and statements, by meaning', () => {
  const tree = treeOf('syntax');
  const fate = (dport: number, l4proto: 'tcp' | 'udp' = 'tcp', saddr?: string) =>
    fateOf(tree, wanConn(dport, l4proto, saddr), toLan);

  it('a named set of ports, `dnat ip to A`', () => {
    expect(fate(443)).toMatchObject({ outcome: 'forwarded', to: '192.168.1.10', port: 443, masquerade: true });
  });
  it('`meta l4proto` with a port range (udp), and `udp dport` with `dnat ip to A:P`', () => {
    expect(fate(5005, 'udp')).toMatchObject({ outcome: 'forwarded', to: '192.168.1.11', port: 5005 });
    expect(fate(5005, 'tcp')).toMatchObject({ outcome: 'gateway' });
    expect(fate(53, 'udp')).toMatchObject({ outcome: 'forwarded', to: '192.168.1.12', port: 5353 });
  });
  it('`dnat ip to tcp dport map @m`, to an address and to an address . port', () => {
    expect(fate(8080)).toMatchObject({ outcome: 'forwarded', to: '192.168.1.20', port: 8080 });
    expect(fate(8443)).toMatchObject({ outcome: 'forwarded', to: '192.168.1.20', port: 443 });
  });
  it('a concatenated map keyed `meta l4proto . ip saddr . th dport` (interval)', () => {
    expect(fate(3389, 'tcp', '198.51.100.77')).toMatchObject({ outcome: 'forwarded', to: '192.168.1.30' });
    expect(fate(3389, 'tcp', '203.0.113.9')).toMatchObject({ outcome: 'gateway', port: 3389 });
  });
  it('`redirect to :P` from a named set of sources: the gateway itself', () => {
    expect(fate(2222, 'tcp', '198.51.100.5')).toMatchObject({ outcome: 'gateway', port: 22 });
    expect(fate(2222, 'tcp', '203.0.113.9')).toMatchObject({ outcome: 'gateway', port: 2222 });
  });
  it('`ct helper set` through a map after conntrack; before conntrack (priority raw) it does nothing', () => {
    expect(fate(21)).toMatchObject({ outcome: 'forwarded', helper: 'ftp' });
    const early = fate(990);
    expect(early.helper).toBeUndefined();
    expect(early.uncertain.join()).toMatch(/before conntrack/);
  });
  it('`meta nfproto ipv4` and the interface of the jumping rule: nothing from another interface', () => {
    expect(fateOf(tree, wanConn(443, 'tcp', '203.0.113.9', 'lan0'), toLan).outcome).toBe('gateway');
  });
  it('snat in a chain jumped to from postrouting, masquerade with `ct status dnat`', () => {
    const walked = tree.walk(tree.baseChains('postrouting')[0] as NonNullable<ReturnType<typeof tree.baseChains>[0]>);
    expect(walked.map((r) => r.verb.k)).toEqual(['snat', 'masquerade']);
    expect(summarise(walked[0]?.context ?? [])).toMatchObject({ oif: ['wan0'] });
  });
  it('counter, comment and log are noise', () => {
    const pre = tree.walk(tree.baseChains('prerouting')[1] as NonNullable<ReturnType<typeof tree.baseChains>[0]>);
    const web = pre.find((r) => r.rule.comment === 'web');
    expect(web?.noise).toEqual(['counter']);
    expect(web?.verb.k).toBe('dnat');
    expect(pre.at(-1)?.noise).toEqual(['log']);
  });
  it('firewall4: `meta nfproto ipv4 tcp dport 21 counter dnat ip to A:P` in an inet table, and its input policy', () => {
    const fw4 = treeOf('fw4');
    const route = () => 'eth1';
    expect(fateOf(fw4, { ...wanConn(21), iifname: 'eth0' }, route)).toMatchObject({
      outcome: 'forwarded',
      to: '192.168.1.2',
      port: 21,
      helper: 'ftp',
    });
    // Not forwarded, not redirected: fw4's input chain rejects it.
    expect(fateOf(fw4, { ...wanConn(8000), iifname: 'eth0' }, route)).toMatchObject({ outcome: 'dropped' });
  });
  it('passive-only: related ftp data from the server is dropped, from the client accepted', async () => {
    const { dataFlowAccepted } = await import('../../src/import/evaluate.js');
    const hand = treeOf('hand-written');
    const flow = { wan: 'eth0', lan: 'eth1', server: '192.168.1.2', client: '203.0.113.9' };
    expect(dataFlowAccepted(hand, { ...flow, mode: 'passive' })).toBe(true);
    expect(dataFlowAccepted(hand, { ...flow, mode: 'active' })).toBe(false);
    expect(dataFlowAccepted(treeOf('fw4'), { ...flow, mode: 'active' })).toBe(true);
  });
  it("iptables-nft's xt expressions: unknown without the text listing, read with it", () => {
    const bare = treeOf('iptables-nft');
    const route = () => 'eth1';
    const conn = { ...wanConn(21), iifname: 'eth0' };
    expect(fateOf(bare, conn, route).outcome).not.toBe('forwarded');
    expect(fateOf(bare, conn, route).uncertain.join()).toMatch(/xt target DNAT/);
    expect(fateOf(treeOf('iptables-nft', true), conn, route)).toMatchObject({
      outcome: 'forwarded',
      to: '192.168.1.2',
      port: 21,
      helper: 'ftp', // CT --helper ftp in the raw table, from iptables-nft-save
    });
  });
});
