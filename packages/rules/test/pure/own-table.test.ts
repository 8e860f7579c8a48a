/**
 * readOwnTable on `nft -j list table` output captured from a kernel
 * (fixtures/own-table: model.json applied -> table.json; then by hand an
 * element added, one removed and a redirect rule added -> hand.json; then a
 * rule the model cannot say -> weird.json, with its `nft -a` listing).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { GatewayModel } from '../../src/model.js';
import { readOwnTable, ruleTexts } from '../../src/own-table.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/own-table/${name}`, import.meta.url), 'utf8');
const json = (name: string) => JSON.parse(fixture(name)) as unknown;
const model = GatewayModel.parse(json('model.json'));

describe('readOwnTable', () => {
  it('reads the applied table back into the model it came from', () => {
    const read = readOwnTable(json('table.json'), { table: 'gatehouse', base: model });
    expect(read.unexpressible).toEqual([]);
    expect(read.model).toEqual(model);
  });

  it('without names from a base, still reads a model that compiles to the same elements and rules', () => {
    const bare = GatewayModel.parse({ interfaces: model.interfaces });
    const read = readOwnTable(json('table.json'), { table: 'gatehouse', base: bare });
    expect(read.unexpressible).toEqual([]);
    const forwards = read.model?.forwards ?? [];
    // The disabled forward is not in the table; names are the ids.
    expect(forwards.map((f) => f.id).sort()).toEqual(
      model.forwards
        .filter((f) => f.enabled)
        .map((f) => f.id)
        .sort(),
    );
    expect(forwards.find((f) => f.id === 'sh')).toMatchObject({ publicPorts: '9000-9002', targetPort: 100 });
    expect(read.model?.ftp).toMatchObject({ enabled: true, passiveOnly: true, controlPorts: [21, 2121] });
    expect(read.model?.tftp).toMatchObject({ enabled: true, ports: [69] });
    expect(read.model?.filter.policy).toBe('drop');
    const enabledOnly = { ...model, forwards: model.forwards.filter((f) => f.enabled) };
    // Same map elements, rules and chains: only names (not compiled) and the gateway forward's sources' spelling differ.
    const strip = (s: string) => s.replace(/ip saddr (\{[^}]*\}|\S+)/g, 'ip saddr X').replace(/\/32 /g, ' ');
    expect(strip(compile(read.model as GatewayModel))).toBe(strip(compile(enabledOnly)));
  });

  it('adopts hand changes: an added element is a forward, a removed one splits a tcp+udp forward, a redirect is a gateway forward', () => {
    const read = readOwnTable(json('hand.json'), { table: 'gatehouse', base: model });
    expect(read.unexpressible).toEqual([]);
    const m = read.model as GatewayModel;
    expect(m.forwards.find((f) => f.id === 'hand-tcp-8200')).toMatchObject({
      protocol: 'tcp',
      publicPorts: '8200',
      target: '192.168.1.2',
      enabled: true,
    });
    // web was tcp+udp 80,443,8000-8100; udp 443 was deleted: tcp and udp differ now.
    expect(m.forwards.filter((f) => f.id.startsWith('web'))).toEqual([
      { ...model.forwards.find((f) => f.id === 'web'), protocol: 'tcp' },
      { ...model.forwards.find((f) => f.id === 'web'), id: 'web-udp', protocol: 'udp', publicPorts: '80,8000-8100' },
    ]);
    expect(m.gatewayForwards.find((g) => g.id === 'hand-gateway-2224')).toMatchObject({
      protocol: 'tcp',
      publicPort: 2224,
      localPort: 22,
    });
    // What stayed the same is the base's, names and comments included.
    expect(m.forwards.find((f) => f.id === 'tftp')).toEqual(model.forwards.find((f) => f.id === 'tftp'));
    expect(m.forwards.find((f) => f.id === 'off')).toEqual(model.forwards.find((f) => f.id === 'off'));
  });

  it('lists a rule the model cannot say, in the words nft prints it', () => {
    const read = readOwnTable(json('weird.json'), {
      table: 'gatehouse',
      base: model,
      ruleText: ruleTexts(fixture('weird.nft')),
    });
    expect(read.unexpressible).toEqual([
      {
        code: 'adopt.rule',
        params: { chain: 'forward_filter', rule: 'ip saddr 10.9.9.9 counter drop' },
        text: 'rule in chain forward_filter: ip saddr 10.9.9.9 counter drop',
      },
    ]);
  });

  it('is not ours to read: another table, or no table at all', () => {
    expect(readOwnTable(json('table.json'), { table: 'other', base: model })).toEqual({
      model: null,
      unexpressible: [],
    });
    expect(readOwnTable({ nftables: [] }, { table: 'gatehouse' }).model).toBeNull();
    expect(readOwnTable('junk', { table: 'gatehouse' }).model).toBeNull();
  });
});
