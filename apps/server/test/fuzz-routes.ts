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
import {
  applyBody,
  applyQuery,
  auth,
  authHeaders,
  bulkBody,
  type Case,
  CURRENT_PASSWORD,
  commentBody,
  encode,
  encoding,
  type FuzzRequest,
  forward,
  forwardImport,
  ftpPolicy,
  gatewayForward,
  gatewaySettings,
  ID_PLACEHOLDER,
  type IdPick,
  type IfMatch,
  idOf,
  idPick,
  ifMatch,
  ifMatchHeader,
  model,
  pathPart,
  printable,
  STRONG,
  tftpPolicy,
  userBody,
  type World,
} from './fuzz-arbitraries.js';
import { hostile, mostlyValid } from './fuzz-values.js';
import { tempDir } from './helpers.js';

export type { Case, FuzzRequest, World } from './fuzz-arbitraries.js';
export { CURRENT_PASSWORD, model } from './fuzz-arbitraries.js';

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
