/**
 * Proposals from each tool's ruleset as the kernel printed it: the model,
 * the grouped notes, the tables to retire; and bad input: a hostile or huge
 * listing is read within bounds and never throws.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IMPORT_LIMITS, IMPORT_NOTE_CODES, importRuleset, proposeModel } from '../../src/index.js';
import { validateModel } from '../../src/model.js';

const dir = join(import.meta.dirname, '..', 'fixtures', 'import');
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const lab = {
  liveInterfaces: ['lo', 'eth0', 'eth1'],
  interfaces: [
    { name: 'eth0', prefixes: ['192.0.2.2/24'] },
    { name: 'eth1', prefixes: ['192.168.1.1/24'] },
  ],
};
const imported = (name: string, extra: object = {}) =>
  importRuleset(JSON.parse(read(`${name}.kernel.json`)), {
    ...lab,
    listing: read(`${name}.kernel.txt`),
    iptablesSave: read(`${name}.kernel-save.txt`),
    ...extra,
  });
const codes = (r: ReturnType<typeof importRuleset>, group?: string) =>
  r.notes.filter((n) => group === undefined || n.group === group).map((n) => n.code);

describe('proposals', () => {
  it('firewall4: three forwards, the redirect, the zone helper, reflection, defaults as harmless', () => {
    const r = imported('fw4');
    expect(r.valid).toBe(true);
    expect(validateModel(r.model).ok).toBe(true);
    expect(r.summary).toMatchObject({
      forwards: 3,
      gatewayForwards: 1,
      helper: true,
      helperPorts: [21, 2121],
      decisions: 0,
    });
    expect(r.summary.text).toBe(
      '3 forwards, 1 gateway forward, FTP helper on 21, 2121, masquerade (forwarded servers, LAN to WAN), 0 decisions',
    );
    expect(r.model.interfaces).toEqual({ wan: 'eth0', lan: ['eth1'] });
    expect(r.model.filter).toEqual({ policy: 'drop', allowLanToWan: true });
    // fw4's reflection rules become each forward's reflection switch.
    expect(r.model.forwards?.map((f) => f.reflection)).toEqual([true, true, true]);
    expect(r.notes.filter((n) => n.code === 'reflection.carried').map((n) => n.params.port)).toEqual([
      '21',
      '2121',
      '2222',
    ]);
    expect(codes(r, 'harmless')).toEqual(
      expect.arrayContaining(['default.rule', 'chain.local_traffic', 'ipv6.skipped']),
    );
    const harmless = r.notes.filter((n) => n.group === 'harmless').map((n) => n.text);
    expect(harmless.join('\n')).toMatch(/MSS clamping[\s\S]*accept established,related[\s\S]*drop invalid/);
    // Notes come decisions first, then carried, then harmless; each code is a known one.
    const rank = { decision: 0, carried: 1, harmless: 2 } as const;
    const ranks = r.notes.map((n) => rank[n.group]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    for (const n of r.notes) expect(IMPORT_NOTE_CODES).toContain(n.code);
    expect(r.tables).toEqual([{ family: 'inet', name: 'fw4', tool: 'firewall4', retire: true }]);
  });

  it("the issue's firewall4 ruleset: its own interface names, all forwards, masquerade, a valid proposal", () => {
    const r = imported('fw4-openwrt', { liveInterfaces: ['lo', 'wan', 'br-lan'], interfaces: [] });
    expect(r.valid).toBe(true);
    expect(r.model.interfaces).toEqual({ wan: 'wan', lan: ['br-lan'] });
    expect(r.interfaces.missing).toEqual([]);
    expect(r.model.forwards?.map((f) => `${f.name} ${f.protocol} ${f.publicPorts} ${f.target}`)).toEqual([
      'ftp tcp 21 192.168.77.10',
      'ssh tcp 2222 192.168.77.10',
      'stun both 3478 192.168.77.11', // `meta l4proto { tcp, udp } th dport 3478`
    ]);
    expect(r.model.masquerade?.lanToWan).toBe(true);
    expect(r.model.ftp).toMatchObject({ enabled: true, controlPorts: [21] });
    expect(codes(r, 'decision')).toEqual(['helper.lan_clients']);
    expect(r.model.forwards?.map((f) => f.reflection)).toEqual([true, undefined, undefined]);
    expect(r.notes.filter((n) => n.group === 'harmless').length).toBeGreaterThan(0);
  });

  it('firewalld: forward-ports under nat_PRE_public_allow, the helper in the zone chain, masquerade per zone', () => {
    const r = imported('firewalld');
    expect(r.summary).toMatchObject({ forwards: 3, gatewayForwards: 1, helperPorts: [21, 2121], decisions: 0 });
    expect(r.model.masquerade).toEqual({ forwardedServers: true, lanToWan: true });
  });

  it('iptables-nft: xt DNAT/REDIRECT/MASQUERADE/CT read from the text listing and iptables-nft-save', () => {
    const r = imported('iptables-nft');
    expect(r.summary).toMatchObject({
      forwards: 3,
      gatewayForwards: 1,
      helperPorts: [21, 2121],
      passiveOnly: true,
      decisions: 0,
    });
    expect(r.model.forwards?.find((f) => f.publicPorts === '2121')).toMatchObject({ target: '192.168.1.2' });
    // Without the text forms the xt rules are decisions, never guesses.
    const bare = importRuleset(JSON.parse(read('iptables-nft.kernel.json')), lab);
    expect(bare.model.forwards).toEqual([]);
    expect(codes(bare, 'decision')).toContain('xt.no_details');
    expect(bare.valid).toBe(true);
  });

  it('Docker: its tables are named, left alone and not retired; its published port is not a forward', () => {
    const r = imported('docker');
    expect(r.tables.filter((t) => t.tool === 'docker').map((t) => [t.name, t.retire])).toEqual([
      ['nat', false],
      ['filter', false],
    ]);
    expect(codes(r, 'harmless').filter((c) => c === 'docker.left_alone')).toHaveLength(2);
    expect(r.model.forwards?.map((f) => f.target)).toEqual(['192.168.1.2']);
  });

  it("the brief's hand-written table: the seed's forward, the way back in, helper, passive-only", () => {
    const r = imported('hand-written');
    expect(r.model).toMatchObject({
      gatewayForwards: [{ publicPort: 2222, localPort: 22 }],
      forwards: [{ publicPorts: '1-2221,2223-65535', target: '192.168.1.2' }],
      ftp: { enabled: true, controlPorts: [21, 2121], servers: ['192.168.1.2'], passiveOnly: true },
      masquerade: { forwardedServers: true, lanToWan: true },
    });
    expect(r.summary.decisions).toBe(0);
  });

  it('every syntax: sets, maps, concatenations, snat, helper maps; helper ports without forwards are dropped, not invalid', () => {
    const r = imported('syntax', { liveInterfaces: ['lo', 'wan0', 'lan0'] });
    expect(r.valid).toBe(true);
    expect(
      r.model.forwards?.map(
        (f) => `${f.protocol} ${f.publicPorts} ${f.target}:${f.targetPort ?? ''} ${f.allowedSources?.join()}`,
      ),
    ).toEqual([
      'tcp 80,443 192.168.1.10: ',
      'udp 5000-5010 192.168.1.11: ',
      'udp 53 192.168.1.12:5353 ',
      'tcp 21 192.168.1.40: ',
      'tcp 8080 192.168.1.20: ',
      'tcp 8443 192.168.1.20:443 ',
      'tcp 3389 192.168.1.30: 198.51.100.0/24',
      'udp 69 192.168.1.50: ',
    ]);
    expect(r.model.tftp).toEqual({ enabled: true, ports: [69], servers: [] });
    expect(r.model.gatewayForwards).toMatchObject([
      { publicPort: 2222, localPort: 22, allowedSources: ['198.51.100.0/24'] },
    ]);
    expect(r.model.ftp).toMatchObject({ enabled: true, controlPorts: [21] });
    const notForwarded = r.notes.filter((n) => n.code === 'helper.port_not_forwarded').map((n) => n.params.port);
    expect(notForwarded.sort()).toEqual([2121, 990]);
    expect(codes(r, 'decision')).toEqual(expect.arrayContaining(['snat.as_masquerade', 'helper.before_conntrack']));
  });

  it('checks the interfaces against the live ones', () => {
    const r = imported('fw4', { liveInterfaces: ['lo', 'wan', 'br-lan'] });
    expect(r.interfaces.missing).toEqual(['eth0', 'eth1']);
    expect(r.notes.filter((n) => n.code === 'interfaces.missing').every((n) => n.group === 'decision')).toBe(true);
  });

  it("never reads Gatehouse's own table, and the first API still answers", () => {
    const listing = JSON.parse(read('hand-written.kernel.json'));
    expect(importRuleset(listing, { ownTable: 'my_nat' }).tables).toEqual([]);
    const old = proposeModel(listing, { interfaces: lab.interfaces });
    expect(old.sources).toEqual(['ip my_nat']);
    expect(old.valid).toBe(true);
    expect(old.notes.every((n) => typeof n === 'string')).toBe(true);
  });
});

describe('bad input', () => {
  it('anything that is not a listing gives an empty, valid proposal', () => {
    for (const input of [
      null,
      42,
      'x',
      [],
      {},
      { nftables: 'x' },
      { nftables: [null, 1, 'a', { rule: { expr: 7 } }] },
    ]) {
      const r = importRuleset(input);
      expect(r.tables).toEqual([]);
      expect(r.model.forwards).toEqual([]);
    }
  });

  it('malformed expressions are notes, not crashes', () => {
    const listing = {
      nftables: [
        { table: { family: 'ip', name: 't' } },
        { chain: { family: 'ip', table: 't', name: 'p', type: 'nat', hook: 'prerouting', prio: -100 } },
        ...[
          [
            {
              match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: { range: ['a', {}] } },
            },
            { dnat: { addr: 5 } },
          ],
          [{ match: null }, { dnat: null }],
          [{ match: { left: { concat: [{}, 3] }, right: { set: [{ concat: 1 }] } } }, { jump: {} }],
          [{ dnat: { addr: { map: { key: { meta: { key: 'x' } }, data: '@missing' } } } }],
          [{ 'ct helper': { map: { key: null } } }],
        ].map((expr, handle) => ({ rule: { family: 'ip', table: 't', chain: 'p', handle, expr } })),
      ],
    };
    const r = importRuleset(listing);
    expect(r.valid).toBe(true);
    expect(r.notes.filter((n) => n.group === 'decision').length).toBeGreaterThan(0);
  });

  it('a huge listing is cut at the limits and read in bounded time', () => {
    const n = IMPORT_LIMITS.objects + 10_000;
    const items: unknown[] = [
      { table: { family: 'ip', name: 'big' } },
      { chain: { family: 'ip', table: 'big', name: 'p', type: 'nat', hook: 'prerouting', prio: -100 } },
      { chain: { family: 'ip', table: 'big', name: 'loop' } },
    ];
    for (let i = 0; i < n; i++) {
      items.push({
        rule: {
          family: 'ip',
          table: 'big',
          chain: i % 2 ? 'p' : 'loop',
          handle: i,
          expr: [
            { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 1 + (i % 60_000) } },
            i % 2 ? { jump: { target: 'loop' } } : { dnat: { addr: '10.0.0.1' } },
          ],
        },
      });
    }
    const started = performance.now();
    const r = importRuleset({ nftables: items });
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(r.notes.some((x) => x.code === 'listing.cut')).toBe(true);
    expect(r.valid).toBe(true);
  });
});
