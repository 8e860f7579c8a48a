/**
 * Fuzzing support: every mutating route (and the query strings of the list
 * routes) as a fast-check arbitrary of requests. A generated case is a
 * function of the live state (current ETag, forward/user/token/revision/flow
 * ids), so that most cases are valid or nearly valid against what the server
 * holds now, and the rest are hostile.
 */
import fc from 'fast-check';
import Fastify from 'fastify';
import fp from 'fastify-plugin';
import { gatehouseApp } from '../src/app.js';
import { ServerConfig } from '../src/config.js';
import { hostile, mostlyValid, toJson } from './fuzz-values.js';
import { tempDir } from './helpers.js';

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

const printable = fc.string({ maxLength: 24 }).map((s) => s.replace(/["\\\p{Cc}]/gu, ''));
const name = fc.oneof(fc.constantFrom('web', 'FTP server', 'mail', 'ssh', 'game ü 🎮'), printable).map((s) => s || 'n');
const lanIp = fc.integer({ min: 2, max: 254 }).map((n) => `192.168.1.${n}`);
/** Disjoint prefixes (overlapping sources are refused). */
const source = fc.constantFrom('203.0.113.0/24', '198.51.100.7', '10.0.0.0/8', '192.0.2.128/25', '100.64.0.0/10');

/** Forward number i uses ports 10000+200i .. +199, so different forwards do not overlap. */
function forward(i: number) {
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
const gatewayForward = fc.record(
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
const gatewaySettings = model.map((m) => ({ interfaces: m.interfaces, masquerade: m.masquerade, filter: m.filter }));

/** POST /forwards/import: forwards with disjoint ports (as in the model), merged or replacing the list. */
const forwardImport = fc.record({
  mode: fc.constantFrom('merge', 'replace'),
  forwards: fc
    .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 8 })
    .chain((ids) => fc.tuple(...ids.map(forward))),
});

/** Optional body of /pending/discard, /apply/rollback-now, /drift/restore. */
const commentBody = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant({}),
  fc.record({ comment: printable }),
);

const ftpPolicy = fc.record(
  {
    enabled: fc.boolean(),
    controlPorts: fc.uniqueArray(fc.constantFrom(21, 2121, 10_021), { minLength: 1, maxLength: 2 }),
    servers: fc.uniqueArray(lanIp, { maxLength: 2 }),
    passiveOnly: fc.boolean(),
  },
  { requiredKeys: [] },
);

/** The TFTP helper section: 69 (what the model's UDP forwards may expose) or ports no forward has. */
const tftpPolicy = fc.record(
  {
    enabled: fc.boolean(),
    ports: fc.uniqueArray(fc.constantFrom(69, 1069, 6969), { minLength: 1, maxLength: 2 }),
    servers: fc.uniqueArray(lanIp, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const applyBody = fc.record(
  { confirmWithinSeconds: fc.integer({ min: 5, max: 3600 }), force: fc.boolean(), comment: printable },
  { requiredKeys: [] },
);

/** POST /forwards/bulk: mostly one forward the server has (ID_PLACEHOLDER), sometimes with unknown ids or twice. */
const bulkBody = fc.record({
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
const ID_PLACEHOLDER = '$ID$';

export const CURRENT_PASSWORD = '$CURRENT_PASSWORD$';

const STRONG = ['velvet-harbor-quince-73', 'orbit lantern saffron 9', 'Kx7#mQ2$vL9@pR4!'];
const userBody = fc.record({
  username: fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/),
  password: fc.oneof(fc.constantFrom(...STRONG), fc.string({ maxLength: 30 })),
  role: fc.constantFrom('admin', 'viewer'),
});

// ---- request-level variation ----------------------------------------------------------

/** Header values printable ASCII (Node refuses others before any server code runs). */
const headerText = (v: unknown) => String(typeof v === 'string' ? v : toJson(v)).replace(/[^\x20-\x7e]/g, '?');

type Auth = 'admin' | 'viewer' | 'none' | { garbage: unknown };
const auth: fc.Arbitrary<Auth> = fc.oneof(
  { arbitrary: fc.constant('admin' as const), weight: 90 },
  { arbitrary: fc.constant('viewer' as const), weight: 4 },
  { arbitrary: fc.constant('none' as const), weight: 3 },
  { arbitrary: hostile.map((garbage) => ({ garbage })), weight: 3 },
);
function authHeaders(a: Auth, w: World): Record<string, string> {
  if (a === 'admin') return { authorization: `Bearer ${w.adminToken}` };
  if (a === 'viewer') return { authorization: `Bearer ${w.viewerToken}` };
  if (a === 'none') return {};
  return { authorization: `Bearer ${headerText(a.garbage)}`.slice(0, 8192) };
}

type IfMatch = 'current' | 'stale' | 'absent' | { garbage: unknown };
const ifMatch: fc.Arbitrary<IfMatch> = fc.oneof(
  { arbitrary: fc.constant('current' as const), weight: 80 },
  { arbitrary: fc.constant('stale' as const), weight: 5 },
  { arbitrary: fc.constant('absent' as const), weight: 5 },
  { arbitrary: hostile.map((garbage) => ({ garbage })), weight: 10 },
);
function ifMatchHeader(m: IfMatch, w: World): Record<string, string> {
  if (m === 'current') return { 'if-match': w.etag };
  if (m === 'stale') return { 'if-match': '"v0"' };
  if (m === 'absent') return {};
  return { 'if-match': headerText(m.garbage).slice(0, 8192) };
}

/** How the body is sent: mostly JSON of the value, sometimes malformed or mislabelled. */
type Encoding = 'json' | 'truncated' | 'empty' | { type: string };
const encoding: fc.Arbitrary<Encoding> = fc.oneof(
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
function encode(value: unknown, e: Encoding): { body?: string; headers: Record<string, string> } {
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
const pathPart = (v: unknown) => encodeURIComponent(wellFormed(typeof v === 'string' ? v : toJson(v))) || '%20';

/** Path text sent as it is: bad percent-encoding, encoded slashes and dots, NUL. */
const RAW_PATHS = ['%FF', '%', '%E0%A4%A', '%ED%A0%80', '%00', '..%2F..', '%2F', '%2e%2e', '1%0A2', '%20'];

/** An id: mostly one the server has (picked by index), sometimes hostile text. */
type IdPick = number | { hostile: unknown } | { raw: string };
function idOf<T>(pick: IdPick, ids: readonly T[], fallback: T): string {
  if (typeof pick !== 'number') return 'raw' in pick ? pick.raw : pathPart(pick.hostile);
  return encodeURIComponent(String(ids.length ? (ids[pick % ids.length] as T) : fallback));
}
const idPick: fc.Arbitrary<IdPick> = fc.oneof(
  { arbitrary: fc.nat(), weight: 16 },
  { arbitrary: hostile.map((h) => ({ hostile: h })), weight: 3 },
  { arbitrary: fc.constantFrom(...RAW_PATHS).map((raw) => ({ raw })), weight: 1 },
);

const applyQuery = fc.oneof(
  { arbitrary: fc.constant(''), weight: 12 },
  { arbitrary: fc.constant('?apply=false'), weight: 3 },
  { arbitrary: fc.constant('?apply=true'), weight: 2 },
  { arbitrary: hostile.map((h) => `?apply=${pathPart(h)}`), weight: 1 },
  { arbitrary: fc.constant('?apply=true&apply=false'), weight: 1 },
);

const API = '/api/v1';

interface RouteSpec {
  name: string;
  weight: number;
  arb: fc.Arbitrary<Case>;
}

/** A route with a JSON body: auth, encoding and the body vary. */
function withBody(
  name: string,
  weight: number,
  body: fc.Arbitrary<unknown>,
  build: (
    w: World,
    extra: { pick: IdPick; query: string; ifm: IfMatch },
  ) => Omit<FuzzRequest, 'headers' | 'body' | 'route'> & { headers?: Record<string, string>; bodyId?: string },
  opts: { changesModel?: boolean } = {},
): RouteSpec {
  return {
    name,
    weight,
    arb: fc
      .record({ a: auth, e: encoding, body, pick: idPick, query: applyQuery, ifm: ifMatch })
      .map(({ a, e, body, pick, query, ifm }) => (w: World): FuzzRequest => {
        const r = build(w, { pick, query, ifm });
        const { bodyId, ...rest } = r;
        const enc = encode(body, e);
        const text =
          bodyId !== undefined
            ? enc.body?.replaceAll(JSON.stringify(ID_PLACEHOLDER), JSON.stringify(bodyId))
            : enc.body;
        return {
          ...rest,
          route: name,
          headers: { ...authHeaders(a, w), ...enc.headers, ...(r.headers ?? {}) },
          ...(text !== undefined ? { body: text } : {}),
          ...(opts.changesModel ? { changesModel: true } : {}),
        };
      }),
  };
}

export const ROUTES: RouteSpec[] = [
  withBody(
    'PUT /config',
    14,
    mostlyValid(model),
    (w, x) => ({ method: 'PUT', url: `${API}/config${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'POST /import/adopt',
    5,
    mostlyValid(
      fc.oneof(
        model.map((m) => ({ model: m })),
        fc.record({
          retire: fc.array(
            fc.record({
              family: fc.constantFrom('ip', 'inet', 'ip6', 'arp'),
              name: fc.constantFrom('gatehouse', 'my_nat', 'fw4', 'nat', 'nope'),
            }),
            { maxLength: 3 },
          ),
        }),
      ),
    ),
    (w, x) => ({ method: 'POST', url: `${API}/import/adopt${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody('DELETE /import/takeover', 1, fc.constant(undefined), () => ({
    method: 'DELETE',
    url: `${API}/import/takeover`,
  })),
  withBody(
    'POST /forwards',
    12,
    mostlyValid(fc.integer({ min: 0, max: 40 }).chain(forward)),
    (w, x) => ({
      method: 'POST',
      url: `${API}/forwards${x.query}`,
      headers: ifMatchHeader(x.ifm === 'absent' ? 'absent' : x.ifm, w),
    }),
    { changesModel: true },
  ),
  withBody(
    'PUT /forwards/:id',
    10,
    mostlyValid(
      fc
        .integer({ min: 0, max: 40 })
        .chain(forward)
        .map((f) => ({ ...f, id: ID_PLACEHOLDER })),
    ),
    (w, x) => {
      const id = idOf(x.pick, w.forwardIds, 'web-1');
      return {
        method: 'PUT',
        url: `${API}/forwards/${id}${x.query}`,
        headers: ifMatchHeader(x.ifm, w),
        bodyId: typeof x.pick === 'number' ? decodeURIComponent(id) : 'web-1',
      };
    },
    { changesModel: true },
  ),
  withBody(
    'DELETE /forwards/:id',
    5,
    fc.constant(undefined),
    (w, x) => ({
      method: 'DELETE',
      url: `${API}/forwards/${idOf(x.pick, w.forwardIds, 'web-1')}${x.query}`,
      headers: ifMatchHeader(x.ifm, w),
    }),
    { changesModel: true },
  ),
  withBody(
    'PUT /ftp',
    6,
    mostlyValid(ftpPolicy),
    (w, x) => ({ method: 'PUT', url: `${API}/ftp${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'PUT /tftp',
    4,
    mostlyValid(tftpPolicy),
    (w, x) => ({ method: 'PUT', url: `${API}/tftp${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'POST /gateway-forwards',
    5,
    mostlyValid(gatewayForward),
    (w, x) => ({ method: 'POST', url: `${API}/gateway-forwards${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'PUT /gateway-forwards/:id',
    5,
    mostlyValid(gatewayForward.map((f) => ({ ...f, id: ID_PLACEHOLDER }))),
    (w, x) => {
      const id = idOf(x.pick, w.gatewayForwardIds, 'ssh-gateway');
      return {
        method: 'PUT',
        url: `${API}/gateway-forwards/${id}${x.query}`,
        headers: ifMatchHeader(x.ifm, w),
        bodyId: typeof x.pick === 'number' ? decodeURIComponent(id) : 'ssh-gateway',
      };
    },
    { changesModel: true },
  ),
  withBody(
    'DELETE /gateway-forwards/:id',
    3,
    fc.constant(undefined),
    (w, x) => ({
      method: 'DELETE',
      url: `${API}/gateway-forwards/${idOf(x.pick, w.gatewayForwardIds, 'ssh-gateway')}${x.query}`,
      headers: ifMatchHeader(x.ifm, w),
    }),
    { changesModel: true },
  ),
  withBody(
    'PUT /gateway-settings',
    6,
    mostlyValid(gatewaySettings),
    (w, x) => ({ method: 'PUT', url: `${API}/gateway-settings${x.query}`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'POST /forwards/bulk',
    6,
    mostlyValid(bulkBody),
    (w, x) => ({
      method: 'POST',
      url: `${API}/forwards/bulk${x.query}`,
      headers: ifMatchHeader(x.ifm, w),
      bodyId: w.forwardIds.length
        ? (w.forwardIds[(typeof x.pick === 'number' ? x.pick : 0) % w.forwardIds.length] as string)
        : 'web-1',
    }),
    { changesModel: true },
  ),
  withBody(
    'POST /forwards/import',
    6,
    mostlyValid(forwardImport),
    (w, x) => ({ method: 'POST', url: `${API}/forwards/import`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'POST /pending/discard',
    2,
    mostlyValid(commentBody),
    (w, x) => ({ method: 'POST', url: `${API}/pending/discard`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody('POST /apply/rollback-now', 1, mostlyValid(commentBody), () => ({
    method: 'POST',
    url: `${API}/apply/rollback-now`,
  })),
  withBody('POST /drift/restore', 1, mostlyValid(commentBody), () => ({ method: 'POST', url: `${API}/drift/restore` })),
  withBody('POST /pair/failover', 1, mostlyValid(commentBody), () => ({ method: 'POST', url: `${API}/pair/failover` })),
  withBody('POST /pair/resume', 1, mostlyValid(commentBody), () => ({ method: 'POST', url: `${API}/pair/resume` })),
  // The peer routes (issue #16): only Authorization: Peer on a pair node opens them; the fuzzer's users get 401/403.
  ...(['check', 'apply', 'confirm', 'rollback'] as const).map((step) =>
    withBody(
      `POST /peer/${step}`,
      1,
      mostlyValid(
        fc.record({
          model: fc.oneof(model, fc.constant({})),
          origin: fc.record({ node: fc.constantFrom('gw-a', 'gw-b'), revisionId: fc.option(fc.nat()) }),
          actor: printable,
        }),
      ),
      () => ({ method: 'POST', url: `${API}/peer/${step}` }),
    ),
  ),
  withBody(
    'POST /drift/adopt',
    1,
    mostlyValid(commentBody),
    (w, x) => ({ method: 'POST', url: `${API}/drift/adopt`, headers: ifMatchHeader(x.ifm, w) }),
    { changesModel: true },
  ),
  withBody(
    'POST /revisions/:id/restore',
    1,
    mostlyValid(commentBody),
    (w, x) => ({
      method: 'POST',
      url: `${API}/revisions/${idOf(
        x.pick,
        Array.from({ length: w.lastRevision + 1 }, (_, i) => i + 1),
        1,
      )}/restore`,
      headers: ifMatchHeader(x.ifm, w),
    }),
    { changesModel: true },
  ),
  withBody('POST /apply', 2, mostlyValid(applyBody), () => ({ method: 'POST', url: `${API}/apply` })),
  withBody('POST /apply/confirm', 2, mostlyValid(fc.record({ reconnect: fc.boolean() }, { requiredKeys: [] })), () => ({
    method: 'POST',
    url: `${API}/apply/confirm`,
  })),
  withBody('POST /revisions/:id/rollback', 2, mostlyValid(applyBody), (w, x) => ({
    method: 'POST',
    url: `${API}/revisions/${idOf(
      x.pick,
      Array.from({ length: w.lastRevision + 1 }, (_, i) => i + 1),
      1,
    )}/rollback`,
  })),
  withBody('DELETE /conntrack/:id', 3, fc.constant(undefined), (w, x) => ({
    method: 'DELETE',
    url: `${API}/conntrack/${idOf(x.pick, w.flowIds, '1')}`,
  })),
  withBody('POST /users', 2, mostlyValid(userBody), () => ({ method: 'POST', url: `${API}/users` })),
  withBody(
    'PATCH /users/:id',
    2,
    mostlyValid(
      fc.oneof(
        fc.record({ role: fc.constantFrom('admin', 'viewer') }),
        fc.record({ password: fc.constantFrom(...STRONG) }),
      ),
    ),
    (w, x) => ({ method: 'PATCH', url: `${API}/users/${idOf(x.pick, w.userIds, 999_999)}` }),
  ),
  withBody('DELETE /users/:id', 2, fc.constant(undefined), (w, x) => ({
    method: 'DELETE',
    url: `${API}/users/${idOf(x.pick, w.userIds, 999_999)}`,
  })),
  withBody(
    'POST /tokens',
    4,
    mostlyValid(fc.record({ name: printable.map((s) => s || 't'), role: fc.constantFrom('admin', 'viewer') })),
    () => ({ method: 'POST', url: `${API}/tokens` }),
  ),
  withBody('DELETE /tokens/:id', 3, fc.constant(undefined), (w, x) => ({
    method: 'DELETE',
    url: `${API}/tokens/${idOf(x.pick, w.tokenIds, 999_999)}`,
  })),
  withBody(
    'POST /auth/login',
    3,
    mostlyValid(
      fc.record({
        username: fc.constantFrom('admin', 'fuzzpw', 'nobody'),
        password: fc.oneof(fc.constantFrom(...STRONG), fc.string({ maxLength: 20 })),
      }),
    ),
    () => ({ method: 'POST', url: `${API}/auth/login`, headers: { authorization: '' } }),
  ),
  withBody(
    'POST /auth/password',
    2,
    mostlyValid(
      fc.record({
        currentPassword: fc.constantFrom(CURRENT_PASSWORD, 'wrong-password'),
        newPassword: fc.oneof(fc.constantFrom(...STRONG), fc.string({ maxLength: 20 })),
      }),
    ),
    (w) => ({ method: 'POST', url: `${API}/auth/password`, headers: { ...w.pw.headers, authorization: '' } }),
  ),
  withBody('POST /auth/logout', 2, fc.constant(undefined), () => ({ method: 'POST', url: `${API}/auth/logout` })),
];

/** DELETE /tokens/:id?purge=true removes a revoked or expired token for good (409 for a usable one). */
const purge = fc.oneof(
  { arbitrary: fc.constant('?purge=true'), weight: 8 },
  { arbitrary: fc.constant('?purge=false'), weight: 1 },
  { arbitrary: fc.constant('?purge=true&purge=true'), weight: 1 },
  { arbitrary: hostile.map((h) => `?purge=${pathPart(h)}`), weight: 1 },
);
ROUTES.push({
  name: 'DELETE /tokens/:id?purge',
  weight: 3,
  arb: fc.record({ a: auth, pick: idPick, q: purge }).map(
    ({ a, pick, q }) =>
      (w: World): FuzzRequest => ({
        route: 'DELETE /tokens/:id?purge',
        method: 'DELETE',
        url: `${API}/tokens/${idOf(pick, w.tokenIds, 999_999)}${q}`,
        headers: authHeaders(a, w),
      }),
  ),
});

/** Query strings of the list routes: known keys with hostile values, unknown keys, repeats. */
const queryValue = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    '-1',
    '1000',
    '1001',
    'tcp',
    'asc',
    'id',
    '10.0.0.1',
    '::1',
    'login',
    'config',
    'admin',
    'gw-b',
    '2026-01-01T00:00:00Z',
    '8640000000000001',
    '1e400',
  ),
  hostile.map(pathPart),
);
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'limit',
        'offset',
        'before',
        'cursor',
        'protocol',
        'address',
        'port',
        'state',
        'helper',
        'mark',
        'since',
        'until',
        'actor',
        'action',
        'target',
        'sort',
        'order',
        'node',
        'x',
        '__proto__',
      ),
      queryValue,
    ),
    { maxLength: 4 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}` : ''));
/** GET routes with a query string (route-coverage.test.ts checks that none is missing). */
export const QUERY_ROUTES = [
  '/conntrack',
  '/conntrack/count',
  '/expectations',
  '/forwards',
  '/audit',
  '/audit.csv',
  '/revisions',
  '/status/history',
];
for (const path of QUERY_ROUTES) {
  ROUTES.push({
    name: `GET ${path}`,
    weight: 1,
    arb: fc.tuple(auth, query).map(
      ([a, q]) =>
        (w: World): FuzzRequest => ({
          route: `GET ${path}`,
          method: 'GET',
          url: `${API}${path}${q}`,
          headers: authHeaders(a, w),
        }),
    ),
  });
}

export const anyCase: fc.Arbitrary<Case> = fc.oneof(...ROUTES.map((r) => ({ arbitrary: r.arb, weight: r.weight })));

export interface RegisteredRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Without the /api/v1 prefix, e.g. /forwards/:id. */
  path: string;
  /** config.auth: 'public', 'admin', or undefined (any signed-in user). */
  auth: string | undefined;
  hasQuery: boolean;
}

/**
 * Every API route the app registers (an onRoute hook while the app's plugins
 * load; nothing is started, no nft is run): the lists of routes the tests
 * drive are compared with it, so that a new route cannot be left out of them.
 */
export async function registeredRoutes(): Promise<RegisteredRoute[]> {
  const state = tempDir();
  const seen: RegisteredRoute[] = [];
  const app = Fastify({ logger: false });
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    if (!r.url.startsWith(`${API}/`)) return;
    for (const method of methods) {
      if (method === 'HEAD') continue;
      seen.push({
        method: method as RegisteredRoute['method'],
        path: r.url.slice(API.length),
        auth: (r.config as { auth?: string } | undefined)?.auth,
        hasQuery: Boolean(r.schema?.querystring),
      });
    }
  });
  try {
    await app.register(fp(gatehouseApp, { name: 'gatehouse' }), {
      config: ServerConfig.parse({
        stateDir: state.path,
        adminPassword: 'quartz-lantern-meadow-41-vortex',
        conntrack: 'false',
        logLevel: 'silent',
      }),
    });
  } finally {
    await app.close();
    state.remove();
  }
  return seen;
}

/** Whether a concrete path (/forwards/ftp?x=1) is one of a route's (/forwards/:id); static routes win. */
export function routeOf(routes: readonly RegisteredRoute[], method: string, url: string): RegisteredRoute | undefined {
  const path = (url.startsWith(API) ? url.slice(API.length) : url).split('?')[0] as string;
  const same = routes.filter((r) => r.method === method);
  const exact = same.find((r) => r.path === path);
  if (exact) return exact;
  return same.find((r) => new RegExp(`^${r.path.replace(/[.]/g, '\\.').replace(/:[^/]+/g, '[^/]+')}$`).test(path));
}
