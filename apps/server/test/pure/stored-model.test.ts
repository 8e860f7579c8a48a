/**
 * A revision's stored model read back without zod on its forwards
 * (services/gateway/revisions.ts storedModel, bench 15.6): it must be the
 * model zod gives for the same row, for a row of today's schema and for one
 * stored before fields with defaults existed.
 */
import { PortForward, validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { storedModel } from '../../src/services/gateway/revisions.js';
import { BASE_MODEL } from './support.js';

const zod = (raw: unknown) => {
  const r = validateModel(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.problems.slice(0, 3)));
  return r.model;
};

/**
 * A forward as a row from before enabled, protocol, comment and allowedSources
 * were in it (the first 50,000: tcp by default; the next 50,000 udp).
 */
const oldForward = (i: number) => ({
  id: `f${i}`,
  name: `f${i}`,
  publicPorts: String(10_000 + (i % 50_000)),
  target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
  ...(i >= 50_000 ? { protocol: 'udp' } : {}),
});

describe('storedModel', () => {
  it('reads a model stored by today’s schema as zod does', () => {
    const model = zod({
      ...BASE_MODEL,
      forwards: [
        ...BASE_MODEL.forwards,
        { id: 'ftps', name: 'ftps', publicPorts: '990', target: '192.168.1.12', ftps: { passivePorts: '40000-40009' } },
        { id: 'udp', name: 'dns', publicPorts: '53', target: '192.168.1.13', protocol: 'udp', enabled: false },
      ],
    });
    const row = JSON.parse(JSON.stringify(model));
    expect(storedModel(row)).toEqual(model);
  });

  it('gives an older row’s forwards and model the defaults zod gives them', () => {
    const row = { table: 'gatehouse', interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards: [0, 1, 2].map(oldForward) };
    const read = storedModel(JSON.parse(JSON.stringify(row)));
    expect(read).toEqual(zod(row));
    // Every field of a forward that has a default got it.
    const defaulted = Object.entries(PortForward.shape).filter(([, s]) => s.safeParse(undefined).data !== undefined);
    expect(defaulted.map(([k]) => k)).toEqual(
      expect.arrayContaining(['enabled', 'protocol', 'comment', 'allowedSources']),
    );
    for (const [key] of defaulted) expect(read?.forwards[0]).toHaveProperty(key);
    // Defaults are fresh values, as zod's: changing one forward's list changes no other.
    expect(read?.forwards[0]?.allowedSources).not.toBe(read?.forwards[1]?.allowedSources);
  });

  it('leaves forwards that have every field as they were (no copy)', () => {
    const model = zod(BASE_MODEL);
    const row = JSON.parse(JSON.stringify(model));
    expect(storedModel(row)?.forwards[0]).toBe(row.forwards[0]);
  });

  it('reads what is not a model as nothing, as before', () => {
    expect(storedModel(null)).toBeNull();
    expect(storedModel([])).toBeNull();
    expect(storedModel({ ...BASE_MODEL, table: 'bad name!' })).toBeNull();
    expect(storedModel({ ...BASE_MODEL, forwards: 'x' })).toBeNull();
    expect(storedModel({ ...BASE_MODEL, forwards: [null] })).toBeNull();
  });

  it('reads 100,000 stored forwards as zod does', () => {
    const row = { ...BASE_MODEL, forwards: Array.from({ length: 100_000 }, (_, i) => oldForward(i)) };
    const text = JSON.stringify(row);
    expect(storedModel(JSON.parse(text))).toEqual(zod(JSON.parse(text)));
  });
});
