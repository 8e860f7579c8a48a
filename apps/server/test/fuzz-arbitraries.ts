/**
 * Fuzzing support, the values: the live state a generated case reads (World),
 * the request it makes (FuzzRequest), fast-check arbitraries of valid or
 * nearly valid bodies (models, forwards, policies, users), and the
 * request-level variation (credentials, If-Match, body encoding, ids in the
 * path). fuzz-routes.ts puts them together into one case per route.
 */
import fc from 'fast-check';
import { hostile, toJson } from './fuzz-values.js';

export interface World {
  adminToken: string;
  viewerToken: string;
  etag: string;
  forwardIds: string[];
  /** Ids of the model's gateway forwards. */
  gatewayForwardIds: string[];
  /** Users the fuzzer made (never the admin it acts as). */
  userIds: number[];
  /** Tokens the fuzzer made (never its own). */
  tokenIds: number[];
  lastRevision: number;
  flowIds: string[];
  /** The session and password of the user whose password the fuzzer changes. */
  pw: { headers: Record<string, string>; password: string };
}

export interface FuzzRequest {
  route: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** A 2xx changes the desired model: re-read it and nft-check it. */
  changesModel?: boolean;
}

export type Case = (w: World) => FuzzRequest;

// ---- valid (or nearly valid) bodies -------------------------------------------------

export const printable = fc.string({ maxLength: 24 }).map((s) => s.replace(/["\\\p{Cc}]/gu, ''));
const name = fc.oneof(fc.constantFrom('web', 'FTP server', 'mail', 'ssh', 'game ü 🎮'), printable).map((s) => s || 'n');
const lanIp = fc.integer({ min: 2, max: 254 }).map((n) => `192.168.1.${n}`);
/** Disjoint prefixes (overlapping sources are refused). */
const source = fc.constantFrom('203.0.113.0/24', '198.51.100.7', '10.0.0.0/8', '192.0.2.128/25', '100.64.0.0/10');

/** Forward number i uses ports 10000+200i .. +199, so different forwards do not overlap. */
export function forward(i: number) {
  const base = 10_000 + i * 200;
  const port = fc.integer({ min: base, max: base + 99 });
  return fc
    .record(
      {
        id: fc.constantFrom('web', 'f', 'game-1', 'x').map((p) => `${p}-${i}`),
        name,
        enabled: fc.boolean(),
        protocol: fc.constantFrom('tcp', 'udp', 'both'),
        publicPorts: fc.oneof(
          port.map(String),
          fc.tuple(port, fc.integer({ min: 0, max: 99 })).map(([a, w]) => `${a}-${a + w}`),
          fc.uniqueArray(port, { minLength: 1, maxLength: 4 }).map((ps) => ps.join(',')),
        ),
        target: lanIp,
        targetPort: fc.integer({ min: 1, max: 60_000 }),
        allowedSources: fc.oneof(fc.uniqueArray(source, { maxLength: 3 }), fc.constant(['0.0.0.0/0'])),
        comment: printable,
      },
      { requiredKeys: ['id', 'name', 'publicPorts', 'target'] },
    )
    .map((f) => {
      // A target port goes with one port or one range; keep the odd list-with-target-port only sometimes.
      if (f.targetPort === undefined || !f.publicPorts.includes(',') || f.targetPort % 10 === 0) return f;
      const { targetPort: _drop, ...rest } = f;
      return rest;
    });
}

const ifname = fc.oneof(
  fc.constantFrom('eth0', 'eth1', 'eth2', 'wan0', 'ppp0', 'br-lan', 'eth0.5', 'veth@x', 'a+b', 'lan_1'),
  fc.stringMatching(/^[A-Za-z0-9_.@+-]{1,15}$/),
);

const table = fc.oneof(
  { arbitrary: fc.constantFrom('gatehouse', 'gh', 'nat_fuzz', 'fw'), weight: 4 },
  { arbitrary: fc.stringMatching(/^[a-z][a-z0-9_]{0,9}$/), weight: 1 },
);

const ftpForward = { id: 'ftp', name: 'FTP', protocol: 'tcp', publicPorts: '21', target: '192.168.1.21' };

export const model = fc
  .record({
    table,
    wan: ifname,
    lan: fc.uniqueArray(ifname, { minLength: 1, maxLength: 3 }),
    forwards: fc
      .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 6 })
      .chain((ids) => fc.tuple(...ids.map(forward))),
    gatewayForwards: fc.uniqueArray(fc.integer({ min: 2000, max: 2999 }), { maxLength: 2 }),
    ftp: fc.option(fc.record({ servers: fc.boolean(), passiveOnly: fc.boolean() })),
    masquerade: fc.record({ forwardedServers: fc.boolean(), lanToWan: fc.boolean() }),
    filter: fc.record({ policy: fc.constantFrom('accept', 'drop'), allowLanToWan: fc.boolean() }),
  })
  .map((m) => ({
    table: m.table,
    interfaces: { wan: m.wan, lan: m.lan },
    forwards: m.ftp ? [...m.forwards, ftpForward] : m.forwards,
    gatewayForwards: m.gatewayForwards.map((p, i) => ({
      id: `gw-${i}`,
      name: `gateway ${i}`,
      publicPort: p,
      localPort: 22,
    })),
    masquerade: m.masquerade,
    filter: m.filter,
    ftp: m.ftp
      ? {
          enabled: true,
          controlPorts: [21],
          servers: m.ftp.servers ? [ftpForward.target] : [],
          passiveOnly: m.ftp.passiveOnly,
        }
      : { enabled: false },
  }));

/** A gateway forward (public port -> a service on the gateway itself); ports apart from the forwards'. */
export const gatewayForward = fc.record(
  {
    id: fc.constantFrom('ssh-gateway', 'gw-0', 'gw-1', 'admin-ui'),
    name,
    enabled: fc.boolean(),
    protocol: fc.constantFrom('tcp', 'udp', 'both'),
    publicPort: fc.integer({ min: 2000, max: 2999 }),
    localPort: fc.oneof(fc.constantFrom(22, 443, 8080), fc.integer({ min: 1, max: 65_535 })),
    allowedSources: fc.oneof(fc.uniqueArray(source, { maxLength: 3 }), fc.constant(['0.0.0.0/0'])),
    comment: printable,
  },
  { requiredKeys: ['id', 'name', 'publicPort', 'localPort'] },
);

/** PUT /gateway-settings: the model's interfaces, masquerade and filter. */
export const gatewaySettings = model.map((m) => ({
  interfaces: m.interfaces,
  masquerade: m.masquerade,
  filter: m.filter,
}));

/** POST /forwards/import: forwards with disjoint ports (as in the model), merged or replacing the list. */
export const forwardImport = fc.record({
  mode: fc.constantFrom('merge', 'replace'),
  forwards: fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 })
    .chain((ids) => fc.tuple(...ids.map(forward))),
});

/** Optional body of /pending/discard, /apply/rollback-now, /drift/restore. */
export const commentBody = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant({}),
  fc.record({ comment: printable }),
);

export const ftpPolicy = fc.record(
  {
    enabled: fc.boolean(),
    controlPorts: fc.uniqueArray(fc.constantFrom(21, 2121, 10_021), { minLength: 1, maxLength: 2 }),
    servers: fc.uniqueArray(lanIp, { maxLength: 2 }),
    passiveOnly: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** The TFTP helper section: 69 (what the model's UDP forwards may expose) or ports no forward has. */
export const tftpPolicy = fc.record(
  {
    enabled: fc.boolean(),
    ports: fc.uniqueArray(fc.constantFrom(69, 1069, 6969), { minLength: 1, maxLength: 2 }),
    servers: fc.uniqueArray(lanIp, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

export const applyBody = fc.record(
  { confirmWithinSeconds: fc.integer({ min: 5, max: 3600 }), force: fc.boolean(), comment: printable },
  { requiredKeys: [] },
);

/** POST /forwards/bulk: mostly one forward the server has (ID_PLACEHOLDER), sometimes with unknown ids or twice. */
export const bulkBody = fc.record({
  action: fc.constantFrom('enable', 'disable', 'delete'),
  ids: fc.oneof(
    { arbitrary: fc.constant(['$ID$']), weight: 6 },
    {
      arbitrary: fc
        .uniqueArray(fc.constantFrom('ftp', 'web-1', 'nope', 'f-40'), { minLength: 1, maxLength: 3 })
        .map((more) => ['$ID$', ...more]),
      weight: 2,
    },
    { arbitrary: fc.constant(['$ID$', '$ID$']), weight: 1 },
  ),
});

/** Replaced (as a JSON string) by the current password of the fuzzed user when the request is made. */
/** Replaced by the id in the URL (PUT /forwards/:id: the body's id must match it). */
export const ID_PLACEHOLDER = '$ID$';

export const CURRENT_PASSWORD = '$CURRENT_PASSWORD$';

export const STRONG = ['velvet-harbor-quince-73', 'orbit lantern saffron 9', 'Kx7#mQ2$vL9@pR4!'];
export const userBody = fc.record({
  username: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/),
  password: fc.oneof(fc.constantFrom(...STRONG), fc.string({ maxLength: 30 })),
  role: fc.constantFrom('admin', 'viewer'),
});

// ---- request-level variation ----------------------------------------------------------

/** Header values printable ASCII (Node refuses others before any server code runs). */
const headerText = (v: unknown) => String(typeof v === 'string' ? v : toJson(v)).replace(/[^\x20-\x7e]/g, '?');

type Auth = 'admin' | 'viewer' | 'none' | { garbage: unknown };
export const auth: fc.Arbitrary<Auth> = fc.oneof(
  { arbitrary: fc.constant('admin' as const), weight: 90 },
  { arbitrary: fc.constant('viewer' as const), weight: 4 },
  { arbitrary: fc.constant('none' as const), weight: 3 },
  { arbitrary: hostile.map((garbage) => ({ garbage })), weight: 3 },
);
export function authHeaders(a: Auth, w: World): Record<string, string> {
  if (a === 'admin') return { authorization: `Bearer ${w.adminToken}` };
  if (a === 'viewer') return { authorization: `Bearer ${w.viewerToken}` };
  if (a === 'none') return {};
  return { authorization: `Bearer ${headerText(a.garbage)}`.slice(0, 8192) };
}

export type IfMatch = 'current' | 'stale' | 'absent' | { garbage: unknown };
export const ifMatch: fc.Arbitrary<IfMatch> = fc.oneof(
  { arbitrary: fc.constant('current' as const), weight: 80 },
  { arbitrary: fc.constant('stale' as const), weight: 5 },
  { arbitrary: fc.constant('absent' as const), weight: 5 },
  { arbitrary: hostile.map((garbage) => ({ garbage })), weight: 10 },
);
export function ifMatchHeader(m: IfMatch, w: World): Record<string, string> {
  if (m === 'current') return { 'if-match': w.etag };
  if (m === 'stale') return { 'if-match': '"v0"' };
  if (m === 'absent') return {};
  return { 'if-match': headerText(m.garbage).slice(0, 8192) };
}

/** How the body is sent: mostly JSON of the value, sometimes malformed or mislabelled. */
type Encoding = 'json' | 'truncated' | 'empty' | { type: string };
export const encoding: fc.Arbitrary<Encoding> = fc.oneof(
  { arbitrary: fc.constant('json' as const), weight: 90 },
  { arbitrary: fc.constant('truncated' as const), weight: 3 },
  { arbitrary: fc.constant('empty' as const), weight: 2 },
  {
    arbitrary: fc
      .constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'multipart/form-data',
        '',
      )
      .map((type) => ({ type })),
    weight: 5,
  },
);
export function encode(value: unknown, e: Encoding): { body?: string; headers: Record<string, string> } {
  if (value === undefined && e === 'json') return { headers: {} }; // a route without a body
  const json = toJson(value);
  if (e === 'json') return { body: json, headers: { 'content-type': 'application/json' } };
  if (e === 'truncated') {
    return { body: json.slice(0, Math.floor(json.length / 2)), headers: { 'content-type': 'application/json' } };
  }
  if (e === 'empty') return { body: '', headers: { 'content-type': 'application/json' } };
  return { body: json, headers: e.type ? { 'content-type': e.type } : {} };
}

/** Lone surrogates replaced (encodeURIComponent throws on them; RAW_PATHS has bad encodings). */
const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
export const pathPart = (v: unknown) => encodeURIComponent(wellFormed(typeof v === 'string' ? v : toJson(v))) || '%20';

/** Path text sent as it is: bad percent-encoding, encoded slashes and dots, NUL. */
const RAW_PATHS = ['%FF', '%', '%E0%A4%A', '%ED%A0%80', '%00', '..%2F..', '%2F', '%2e%2e', '1%0A2', '%20'];

/** An id: mostly one the server has (picked by index), sometimes hostile text. */
export type IdPick = number | { hostile: unknown } | { raw: string };
export function idOf<T>(pick: IdPick, ids: readonly T[], fallback: T): string {
  if (typeof pick !== 'number') return 'raw' in pick ? pick.raw : pathPart(pick.hostile);
  return encodeURIComponent(String(ids.length ? (ids[pick % ids.length] as T) : fallback));
}
export const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { arbitrary: fc.nat(), weight: 16 },
  { arbitrary: hostile.map((h) => ({ hostile: h })), weight: 3 },
  { arbitrary: fc.constantFrom(...RAW_PATHS).map((raw) => ({ raw })), weight: 1 },
);

export const applyQuery = fc.oneof(
  { arbitrary: fc.constant(''), weight: 12 },
  { arbitrary: fc.constant('?apply=false'), weight: 3 },
  { arbitrary: fc.constant('?apply=true'), weight: 2 },
  { arbitrary: hostile.map((h) => `?apply=${pathPart(h)}`), weight: 1 },
  { arbitrary: fc.constant('?apply=true&apply=false'), weight: 1 },
);
