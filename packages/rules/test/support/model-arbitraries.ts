/**
 * fast-check arbitraries for gateway models: mostly valid ones, near the
 * edges nft cares about (shifted ranges, overlapping sources, odd interface
 * names, keyword-ish table names, the FTP helper with passive-only, the TFTP
 * helper on one or two ports, filter drop), plus corrupted ones where any field may hold any JSON value.
 */
import fc from 'fast-check';
import { NFT_KEYWORD_TABLE_NAMES } from '../../src/nft-keywords.js';

const ODD_INTERFACES = ['eth0', 'eth1', 'wan0', 'enp1s0.100', 'br-lan', '@x', '+', 'fwd', 'th', '-', '.x', '0', 'a.b'];

export const interfaceName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_INTERFACES) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.@+-]{1,15}$/) },
);

export const tableName = fc.oneof(
  { weight: 3, arbitrary: fc.constant('gatehouse') },
  { weight: 2, arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,31}$/) },
  { weight: 1, arbitrary: fc.constantFrom(...NFT_KEYWORD_TABLE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('saddr', 'state', 'helper', 'level', 'ether_type', 'th_x', 'tcp1') },
);

/** Disjoint, adjacent included: any selection of them is valid. */
const DISJOINT_SOURCES = ['192.0.2.0/24', '198.51.100.7', '203.0.113.0/25', '203.0.113.128/25', '100.64.0.0/10'];
/** With these, nested and equal prefixes (overlaps within one forward) happen too. */
const SOURCES = [...DISJOINT_SOURCES, '10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', '10.1.2.3/32', '0.0.0.0/0'];

export const sources = fc.oneof(
  { weight: 4, arbitrary: fc.constant<string[]>([]) },
  { weight: 3, arbitrary: fc.subarray(DISJOINT_SOURCES, { minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...SOURCES), { minLength: 1, maxLength: 3 }) },
);

/** Each forward gets its own 5,000-port bucket above 10,000, so most models have no port overlaps. */
function publicPortsIn(bucket: number) {
  const lo = 10_000 + bucket * 5_000;
  const port = fc.integer({ min: lo, max: lo + 4_999 });
  return fc.oneof(
    { weight: 3, arbitrary: port.map(String) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(port, fc.integer({ min: 1, max: 4_096 }))
        .map(([a, w]) => `${a}-${Math.min(a + w - 1, 65535)}`),
    },
    {
      weight: 1,
      arbitrary: fc.uniqueArray(port, { minLength: 2, maxLength: 4 }).map((ps) => ps.join(',')),
    },
    // Anywhere: overlaps with other forwards and the gateway's own ports.
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 65535 }).map(String) },
  );
}

const forward = (i: number) =>
  fc
    .record({
      enabled: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      protocol: fc.constantFrom('tcp', 'udp', 'both'),
      publicPorts: publicPortsIn(i),
      target: fc.integer({ min: 1, max: 254 }).map((n) => `192.168.1.${n}`),
      shift: fc.option(fc.integer({ min: 1, max: 61_000 }), { freq: 3 }),
      allowedSources: sources,
      // FTPS on one forward in five: a passive range in its own region above the forward buckets,
      // now and then anywhere (overlaps with other forwards, the gateway's ports, its own).
      ftps: fc.oneof(
        { weight: 16, arbitrary: fc.constant(null) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(fc.integer({ min: 55_000 + i * 500, max: 55_480 + i * 500 }), fc.integer({ min: 0, max: 19 }))
            .map(([a, w]) => ({ passivePorts: w === 0 ? String(a) : `${a}-${a + w}` })),
        },
        {
          weight: 1,
          arbitrary: fc.integer({ min: 1, max: 65_000 }).map((a) => ({ passivePorts: `${a}-${a + 9}` })),
        },
      ),
      reflection: fc.constantFrom(undefined, undefined, true, false),
    })
    .map(({ shift, ftps, reflection, ...f }) => {
      const id = `f${i}`;
      const width = widthOf(f.publicPorts);
      // Shifted ranges with sources are concatenated-interval elements, port by port: keep them
      // small so a hundred models load in seconds (the budget rule is tested on its own).
      const small = f.allowedSources.length === 0 || width <= 64;
      const single = !f.publicPorts.includes(',');
      return {
        id,
        name: `forward ${i}`,
        ...f,
        ...(shift !== null && small && single ? { targetPort: shift } : {}),
        ...(ftps !== null && f.protocol !== 'udp' ? { ftps } : {}),
        ...(reflection !== undefined ? { reflection } : {}),
      };
    });

function widthOf(spec: string): number {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  return m ? Number(m[2]) - Number(m[1]) + 1 : 1;
}

const gatewayForward = (i: number) =>
  fc.record({
    id: fc.constant(`g${i}`),
    name: fc.constant(`gateway ${i}`),
    protocol: fc.constantFrom('tcp', 'udp', 'both'),
    publicPort: fc.integer({ min: 22, max: 9_999 }),
    localPort: fc.integer({ min: 1, max: 65535 }),
    allowedSources: sources,
  });

const FTP_FORWARD = { id: 'ftp', name: 'ftp', publicPorts: '21', target: '192.168.1.2' };
/** TFTP: UDP 69 (or a shifted public port) to a server; the helper watches 69 and, now and then, a second port. */
const TFTP_FORWARD = { id: 'tftp', name: 'tftp', protocol: 'udp', publicPorts: '69', target: '192.168.1.3' };
const TFTP_ALT_FORWARD = {
  id: 'tftp-alt',
  name: 'tftp alt',
  protocol: 'both',
  publicPorts: '6969',
  targetPort: 1069,
  target: '192.168.1.4',
};

export const gatewayModel = fc
  .record({
    table: tableName,
    wan: interfaceName,
    lan: fc.uniqueArray(interfaceName, { minLength: 1, maxLength: 3 }),
    forwardCount: fc.integer({ min: 0, max: 8 }),
    gatewayCount: fc.integer({ min: 0, max: 2 }),
    ftpOn: fc.boolean(),
    passiveOnly: fc.boolean(),
    pinServer: fc.boolean(),
    tftp: fc.constantFrom('off', 'on', 'pinned', 'two-ports'),
    filter: fc.record({ policy: fc.constantFrom('accept', 'drop'), allowLanToWan: fc.boolean() }),
    masquerade: fc.record({ forwardedServers: fc.boolean(), lanToWan: fc.boolean() }),
    reflection: fc.option(
      fc.record({ enabled: fc.boolean(), publicAddresses: fc.subarray(['192.0.2.2', '198.51.100.1', '203.0.113.9']) }),
      { freq: 2 },
    ),
  })
  .chain((m) =>
    fc
      .record({
        forwards: fc.tuple(...Array.from({ length: m.forwardCount }, (_, i) => forward(i))),
        gatewayForwards: fc.tuple(...Array.from({ length: m.gatewayCount }, (_, i) => gatewayForward(i))),
      })
      .map(({ forwards, gatewayForwards }) => ({
        table: m.table,
        interfaces: { wan: m.wan, lan: m.lan },
        forwards: [
          ...(m.ftpOn ? [FTP_FORWARD] : []),
          ...(m.tftp === 'off' ? [] : [TFTP_FORWARD]),
          ...(m.tftp === 'two-ports' ? [TFTP_ALT_FORWARD] : []),
          ...forwards,
        ],
        gatewayForwards,
        ftp: {
          enabled: m.ftpOn,
          controlPorts: [21],
          servers: m.pinServer ? ['192.168.1.2'] : [],
          passiveOnly: m.ftpOn && m.passiveOnly,
        },
        ...(m.tftp === 'off'
          ? {}
          : {
              tftp: {
                enabled: true,
                ports: m.tftp === 'two-ports' ? [69, 1069] : [69],
                servers: m.tftp === 'pinned' ? ['192.168.1.3'] : [],
              },
            }),
        filter: m.filter,
        masquerade: m.masquerade,
        ...(m.reflection !== null ? { reflection: m.reflection } : {}),
      })),
  );

/** Any JSON value, now and then a very long string. */
export const junk = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 2_000 }) },
  { weight: 1, arbitrary: fc.constantFrom('1,'.repeat(200_000), 'a'.repeat(100_000), '10.0.0.0/8'.repeat(1000)) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 1e308, 0.5, -1, 65536) },
);

/** Every path to a value inside a JSON-ish tree. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function replaceAt(root: unknown, path: Array<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  const copy = (Array.isArray(root) ? [...root] : { ...(root as object) }) as Record<string | number, unknown>;
  copy[head] = replaceAt(copy[head], rest, value);
  return copy;
}

/** A mostly-valid model with a few fields replaced by junk, or junk altogether. */
export const corruptedModel = fc.oneof(
  { weight: 1, arbitrary: junk },
  {
    weight: 6,
    arbitrary: fc
      .tuple(gatewayModel, fc.array(fc.tuple(fc.nat(), junk), { minLength: 1, maxLength: 3 }))
      .map(([model, edits]) =>
        edits.reduce<unknown>((m, [at, value]) => {
          const all = paths(m);
          return replaceAt(m, all[at % all.length] ?? [], value);
        }, model),
      ),
  },
);
