/**
 * Fuzzing support: hostile values (huge and odd strings, NUL, unicode, lone
 * surrogates, prototype keys, out-of-range numbers, wrong types, deep nesting,
 * arrays of 100,000) and mutations that plant them in an otherwise valid body.
 * Values that JSON.stringify cannot make (deep nesting, __proto__ keys, 100k
 * arrays made once) are RawJson text spliced in by toJson().
 */
import fc from 'fast-check';

/** JSON text placed as-is where this value stands. */
export class RawJson {
  constructor(readonly text: string) {}
}

const MARK = '\u0000raw';

/** JSON.stringify with RawJson values spliced in (NaN and Infinity become null, as JSON has them). */
export function toJson(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => (v instanceof RawJson ? `${MARK}${raws.push(v.text) - 1}\u0000` : v));
  if (text === undefined) return '';
  return raws.length === 0 ? text : text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i) => raws[Number(i)] as string);
}

// Made once: building them per case would dominate the run.
const MiB = 1024 * 1024;
const HUGE_STRINGS = [
  'a'.repeat(MiB),
  '8'.repeat(4 * MiB),
  '80,'.repeat(300_000),
  '1-2,'.repeat(100_000),
  `${'0'.repeat(MiB)}80`,
  '\u0000'.repeat(64 * 1024),
  '𝟠'.repeat(256 * 1024),
  `${'('.repeat(100_000)}`,
];
const nest = (n: number, open: string, close: string, inner = '1') => open.repeat(n) + inner + close.repeat(n);
const RAW_VALUES = [
  new RawJson(nest(100, '[', ']')),
  new RawJson(nest(10_000, '[', ']')),
  new RawJson(nest(100_000, '[', ']')),
  new RawJson(nest(5_000, '{"a":', '}')),
  new RawJson(`[${'{},'.repeat(99_999)}{}]`),
  new RawJson(`[${'1,'.repeat(99_999)}1]`),
  new RawJson(`[${'"eth1",'.repeat(99_999)}"eth1"]`),
  new RawJson(`[${'"10.0.0.0/8",'.repeat(99_999)}"10.0.0.0/8"]`),
  new RawJson('{"__proto__":{"polluted":true}}'),
  new RawJson('{"constructor":{"prototype":{"polluted":true}}}'),
  new RawJson('1e999'),
  new RawJson('-1e999'),
  new RawJson('123456789012345678901234567890'),
];

const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202egnp.exe',
  '\u200b',
  '\r\n',
  '"',
  '\\',
  "'",
  '`',
  '$(reboot)',
  '; nft flush ruleset',
  '} table ip x { }',
  '#',
  '@',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../etc/passwd',
  '%00',
  '%2e%2e',
  'null',
  'undefined',
  'NaN',
  'true',
  '٨٠',
  '８０',
  '𝟠𝟘',
  'İ',
  'ﬀ',
  ' 80',
  '80 ',
  '0x50',
  '1e3',
  '-1',
  '0',
  '65536',
  '4294967296',
  '80-',
  '-80',
  '80,',
  ',',
  '1-65535',
  '65535-1',
  '80-80',
  '21',
  'ftp',
  'tcp',
  'both',
  'ICMP',
  'ip',
  'inet',
  'table',
  'fwd',
  'counter',
  'eth0',
  'eth0.5',
  'lo',
  '.',
  '..',
  'a/b',
  'a:b',
  'eth0\n',
  '10.0.0.1/33',
  '10.0.0.1/24',
  '010.000.000.001',
  '1.2.3.4.5',
  '256.1.1.1',
  '::1',
  '::ffff:10.0.0.1',
  '0.0.0.0',
  '0.0.0.0/0',
  '255.255.255.255',
  '127.0.0.1',
  'v1',
  '"v1"',
  'W/"v1"',
  '*',
];

const ODD_NUMBERS = [
  -1,
  0,
  -0,
  1,
  21,
  65535,
  65536,
  0.5,
  1.5,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  -(2 ** 53),
  1e308,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  Number.NaN,
];

/** A hostile value of any kind; huge ones are rare so that the run stays fast. */
export const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constantFrom(...ODD_STRINGS), weight: 20 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 6 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 20 }), weight: 4 },
  { arbitrary: fc.string({ minLength: 200, maxLength: 5000 }), weight: 2 },
  { arbitrary: fc.constantFrom(...ODD_NUMBERS), weight: 10 },
  { arbitrary: fc.integer(), weight: 3 },
  { arbitrary: fc.double(), weight: 2 },
  { arbitrary: fc.constantFrom(true, false, null, {}, [], [[]], [null], { '': '' }), weight: 8 },
  { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 4 },
  { arbitrary: fc.constantFrom(...HUGE_STRINGS), weight: 1 },
  { arbitrary: fc.constantFrom(...RAW_VALUES), weight: 1 },
);

/** An object key: mostly ordinary, sometimes hostile (prototype keys, empty, huge). */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'id', 'forwards', 'x'), weight: 4 },
  { arbitrary: fc.string({ maxLength: 20 }), weight: 2 },
  { arbitrary: fc.constantFrom('k'.repeat(100_000)), weight: 1 },
);

export type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'add'; at: number; key: string; value: unknown }
  | { kind: 'replace'; value: unknown };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: hostile }), weight: 8 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }), weight: 3 },
  {
    arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostile }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('replace' as const), value: hostile }), weight: 1 },
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

function slots(value: unknown, out: Slot[] = [], depth = 0): Slot[] {
  if (depth > 6 || value === null || typeof value !== 'object' || value instanceof RawJson) return out;
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, child] of entries) {
    out.push({ parent: value as Record<string, unknown>, key });
    slots(child, out, depth + 1);
  }
  return out;
}

function containers(value: unknown, out: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return out;
  if (!Array.isArray(value)) out.push(value as Record<string, unknown>);
  for (const child of Object.values(value)) containers(child, out);
  return out;
}

/** A private copy of a hostile value (constants are shared between cases). */
const fresh = (v: unknown): unknown =>
  v instanceof RawJson || v === null || typeof v !== 'object' ? v : structuredClone(v);

/** `body` (not changed) with the mutations applied to a copy, each at a slot picked by its index. */
export function mutate(body: unknown, mutations: readonly Mutation[]): unknown {
  let copy: unknown = structuredClone(body);
  for (const m of mutations) {
    if (m.kind === 'replace') {
      copy = fresh(m.value);
      continue;
    }
    if (m.kind === 'add') {
      const objs = containers(copy);
      const target = objs[m.at % Math.max(1, objs.length)];
      // defineProperty: an own "__proto__" key, as JSON.parse would make it.
      if (target)
        Object.defineProperty(target, m.key, {
          value: fresh(m.value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      continue;
    }
    const all = slots(copy);
    const slot = all[m.at % Math.max(1, all.length)];
    if (!slot) continue;
    if (m.kind === 'delete') {
      if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
      else delete slot.parent[slot.key as string];
    } else if (Array.isArray(slot.parent)) slot.parent[Number(slot.key)] = fresh(m.value);
    else
      Object.defineProperty(slot.parent, slot.key, {
        value: fresh(m.value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return copy;
}

/** Mostly the body as it is (valid), else with one to three hostile mutations. */
export function mostlyValid<T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      valid,
      fc.oneof(
        { arbitrary: fc.constant([]), weight: 2 },
        { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }), weight: 3 },
      ),
    )
    .map(([body, ms]) => (ms.length === 0 ? body : mutate(body, ms)));
}
