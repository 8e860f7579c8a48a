/**
 * Property-based fuzzing of every mutating route (issue #10), through
 * app.inject against an app whose nft runs in a namespace this test creates.
 * Cases are mostly-valid bodies for the state the server holds now, mixed
 * with hostile values (fuzz-values.ts); the routes are in fuzz-routes.ts.
 *
 * Properties, for every case: never a 5xx; never 422 nft_rejected (the
 * server accepted a model nft refuses); error bodies stay under 32 KiB;
 * nothing pollutes Object.prototype. After every accepted change: the stored
 * model validates again, and a sampled fifth of them compile and pass
 * `nft -c` in the namespace. After the run: heap and RSS growth under fixed
 * ceilings. Every failure is collected (grouped by route, status and code,
 * smallest input kept) and the test fails listing them.
 *
 * CI: 10,000 cases with a fixed seed (printed). Longer runs:
 *   npm run fuzz                      (100,000 cases: GATEHOUSE_FUZZ_RUNS=100000)
 *   GATEHOUSE_FUZZ_SEED=123 GATEHOUSE_FUZZ_RUNS=50000 npx vitest run apps/server/test/fuzz.test.ts
 */
import { checkRuleset, compile, createRunner, NftError, validateModel } from '@gatehouse/rules';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ServerConfig } from '../src/config.js';
import { peakRssMiB, settledMemory } from './fuzz-memory.js';
import { anyCase, CURRENT_PASSWORD, type FuzzRequest, type World } from './fuzz-routes.js';
import { bearer, createNetns, LAB_MODEL, login, type Netns, tempDir } from './helpers.js';

const SEED = Number(process.env.GATEHOUSE_FUZZ_SEED ?? 1_010_010);
const RUNS = Number(process.env.GATEHOUSE_FUZZ_RUNS ?? 10_000);
/** Percent of accepted model changes that are compiled and checked with nft -c. */
const CHECK_PERCENT = 20;
const MAX_ERROR_BODY = 32 * 1024;
const HEAP_GROWTH_MiB = 128;
const RSS_GROWTH_MiB = 512;

const PASSWORD = 'quartz-lantern-meadow-41-vortex';
const PW_USER_PASSWORD = 'juniper-cobalt-harvest-77';

let ns: Netns;
let state: ReturnType<typeof tempDir>;
let app: FastifyInstance;
let world: World;
const runner = () => createRunner({ netns: ns.name });

async function call(opts: {
  method: FuzzRequest['method'];
  url: string;
  headers?: Record<string, string>;
  payload?: unknown;
}) {
  return app.inject({
    method: opts.method,
    url: opts.url,
    headers: opts.headers ?? {},
    ...(opts.payload !== undefined ? { payload: opts.payload as string } : {}),
  });
}

async function refreshModel(): Promise<{ model: unknown; version: string }> {
  const r = await call({ method: 'GET', url: '/api/v1/config', headers: bearer(world.adminToken) });
  expect(r.statusCode).toBe(200);
  const model = r.json() as { forwards: Array<{ id: string }>; gatewayForwards: Array<{ id: string }> };
  world.etag = String(r.headers.etag);
  world.forwardIds = model.forwards.map((f) => f.id);
  world.gatewayForwardIds = model.gatewayForwards.map((f) => f.id);
  return { model, version: world.etag };
}

beforeAll(async () => {
  ns = createNetns();
  state = tempDir();
  const config = ServerConfig.parse({
    stateDir: state.path,
    netns: ns.name,
    adminPassword: PASSWORD,
    conntrack: 'false',
    driftIntervalMs: 60_000,
    logLevel: 'silent',
  });
  app = await buildApp({ config, logger: false });
  await app.ready();
  const admin = await login(app, 'admin', PASSWORD);
  const token = async (role: string) => {
    const r = await call({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin.headers,
      payload: { name: `fuzz-${role}`, role },
    });
    expect(r.statusCode).toBe(201);
    return r.json() as { token: string };
  };
  const adminToken = (await token('admin')).token;
  const viewerToken = (await token('viewer')).token;
  const pwUser = await call({
    method: 'POST',
    url: '/api/v1/users',
    headers: bearer(adminToken),
    payload: { username: 'fuzzpw', password: PW_USER_PASSWORD, role: 'viewer' },
  });
  expect(pwUser.statusCode).toBe(201);
  const pw = await login(app, 'fuzzpw', PW_USER_PASSWORD);
  world = {
    adminToken,
    viewerToken,
    etag: '"v0"',
    forwardIds: [],
    gatewayForwardIds: [],
    userIds: [],
    tokenIds: [],
    lastRevision: 0,
    flowIds: [],
    pw: { headers: pw.headers, password: PW_USER_PASSWORD },
  };
  await refreshModel();
  const put = await call({
    method: 'PUT',
    url: '/api/v1/config',
    headers: { ...bearer(adminToken), 'if-match': world.etag },
    payload: LAB_MODEL,
  });
  expect(put.statusCode).toBe(200);
  await refreshModel();
  // A few real flows in the namespace, so that DELETE /conntrack/:id also kills something.
  for (let i = 0; i < 20; i++) {
    try {
      ns.exec('conntrack', [
        '-I',
        '-p',
        'tcp',
        '-s',
        '10.9.0.1',
        '-d',
        '10.9.0.2',
        '--sport',
        String(4000 + i),
        '--dport',
        '80',
        '--state',
        'ESTABLISHED',
        '-t',
        '3600',
        '-u',
        'SEEN_REPLY',
      ]);
    } catch {
      break; // no conntrack in this kernel: the route is fuzzed with ids that do not exist
    }
  }
  const flows = await call({ method: 'GET', url: '/api/v1/conntrack?limit=100', headers: bearer(adminToken) });
  if (flows.statusCode === 200)
    world.flowIds = (flows.json() as { items: Array<{ id: string }> }).items.map((f) => f.id);
}, 120_000);

afterAll(async () => {
  await app?.close();
  state?.remove();
  ns?.destroy();
});

interface Failure {
  route: string;
  status: number;
  error: string;
  url: string;
  body: string;
  bodyLength: number;
  detail: string;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

it(
  `never a 5xx, never an nft rejection of an accepted model, bounded memory (${RUNS} cases, seed ${SEED})`,
  async () => {
    console.log(`fuzz: seed ${SEED}, ${RUNS} cases (GATEHOUSE_FUZZ_SEED / GATEHOUSE_FUZZ_RUNS to change)`);
    const failures = new Map<string, Failure>();
    const statuses = new Map<string, Map<number, number>>();
    const checkedVersions = new Set<string>();
    const timeByRoute = new Map<string, number>();
    let nftChecks = 0;
    const started = performance.now();
    const before = settledMemory();

    const fail = (req: FuzzRequest, status: number, error: string, body: string | undefined, detail: string) => {
      const key = `${req.route} ${status} ${error}`;
      const prev = failures.get(key);
      const size = body?.length ?? 0;
      if (!prev || size < prev.bodyLength) {
        failures.set(key, {
          route: req.route,
          status,
          error,
          url: clip(req.url, 200),
          body: clip(body ?? '', 600),
          bodyLength: size,
          detail: clip(detail, 600),
        });
      }
    };

    await fc.assert(
      fc.asyncProperty(anyCase, fc.nat(99), async (make, sample) => {
        const req = make(world);
        const body = req.body?.replaceAll(JSON.stringify(CURRENT_PASSWORD), JSON.stringify(world.pw.password));
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([, v]) => v !== ''));
        const t0 = performance.now();
        const r = await call({ method: req.method, url: req.url, headers, payload: body });
        timeByRoute.set(req.route, (timeByRoute.get(req.route) ?? 0) + performance.now() - t0);
        const perRoute = statuses.get(req.route) ?? new Map<number, number>();
        perRoute.set(r.statusCode, (perRoute.get(r.statusCode) ?? 0) + 1);
        statuses.set(req.route, perRoute);
        let json: Record<string, unknown> = {};
        try {
          json = r.json();
        } catch {
          // not JSON
        }
        const error = typeof json.error === 'string' ? json.error : '';
        if (r.statusCode >= 500) fail(req, r.statusCode, error, body, r.body);
        if (r.statusCode === 422 && error === 'nft_rejected') fail(req, r.statusCode, error, body, r.body);
        if (r.statusCode >= 400 && r.body.length > MAX_ERROR_BODY)
          fail(req, r.statusCode, `${error} (error body over 32 KiB)`, body, r.body);
        if (Object.keys(Object.prototype).length > 0 || ({} as Record<string, unknown>).polluted !== undefined) {
          fail(req, r.statusCode, 'prototype polluted', body, Object.keys(Object.prototype).join(','));
        }

        // Keep the state the next cases are built from.
        if (r.statusCode === 412 && typeof json.currentVersion === 'number') world.etag = `"v${json.currentVersion}"`;
        if (r.statusCode >= 300) return;
        if (req.route === 'POST /users' && typeof json.id === 'number') world.userIds.push(json.id);
        if (req.route === 'POST /tokens' && typeof json.id === 'number') world.tokenIds.push(json.id);
        const revision = (json.revision as { id?: number } | undefined)?.id;
        if (typeof revision === 'number') world.lastRevision = Math.max(world.lastRevision, revision);
        if (req.route === 'POST /auth/password' && body) {
          world.pw.password = String((JSON.parse(body) as { newPassword: unknown }).newPassword);
          const again = await call({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { username: 'fuzzpw', password: world.pw.password },
          });
          if (again.statusCode === 200) {
            const cookie = String(again.headers['set-cookie']).split(';')[0] as string;
            world.pw.headers = { cookie, 'x-gatehouse-csrf': (again.json() as { csrfToken: string }).csrfToken };
          }
        }
        if (!req.changesModel) return;
        const { model, version } = await refreshModel();
        const checked = validateModel(model);
        if (!checked.ok) {
          fail(req, r.statusCode, 'stored model does not validate', body, JSON.stringify(checked.problems.slice(0, 5)));
          return;
        }
        if (sample >= CHECK_PERCENT || checkedVersions.has(version)) return;
        checkedVersions.add(version);
        nftChecks++;
        try {
          await checkRuleset(compile(checked.model), { runner: runner() });
        } catch (err) {
          const detail =
            err instanceof NftError ? `${err.message}\n${JSON.stringify(err.diagnostics.slice(0, 3))}` : String(err);
          fail(req, r.statusCode, 'accepted model fails nft -c', body, `${detail}\nmodel: ${JSON.stringify(model)}`);
        }
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );

    const after = settledMemory();
    const seconds = (performance.now() - started) / 1000;
    const summary = [...statuses.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([route, counts]) =>
          `  ${route}: ${[...counts.entries()]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
      );
    console.log(
      [
        `fuzz: ${RUNS} cases in ${seconds.toFixed(1)} s, ${nftChecks} accepted models checked with nft -c`,
        `fuzz: heap ${before.heapMiB.toFixed(0)} -> ${after.heapMiB.toFixed(0)} MiB, rss ${before.rssMiB.toFixed(0)} -> ${after.rssMiB.toFixed(0)} MiB (peak ${peakRssMiB().toFixed(0)} MiB)`,
        ...summary,
      ].join('\n'),
    );
    const found = [...failures.values()];
    for (const f of found) {
      console.log(
        `FAIL ${f.route} -> ${f.status} ${f.error}\n  url: ${f.url}\n  body (${f.bodyLength} chars): ${f.body}\n  detail: ${f.detail}`,
      );
    }
    expect(found.map((f) => `${f.route} -> ${f.status} ${f.error}`)).toEqual([]);
    expect(after.heapMiB - before.heapMiB).toBeLessThan(HEAP_GROWTH_MiB);
    expect(after.rssMiB - before.rssMiB).toBeLessThan(RSS_GROWTH_MiB);
  },
  120_000 + RUNS * 60,
);
