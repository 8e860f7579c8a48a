/**
 * The fuzzer (fuzz-routes.ts) must drive every mutating route the app
 * registers and every GET that takes a query string: a route added without a
 * fuzz case fails here, naming it. (api.test.ts checks its own list of routes
 * and roles the same way.)
 */
import { beforeAll, expect, it } from 'vitest';
import { QUERY_ROUTES, type RegisteredRoute, ROUTES, registeredRoutes } from './fuzz-routes.js';

let routes: RegisteredRoute[];
beforeAll(async () => {
  routes = await registeredRoutes();
}, 60_000);

/** Fuzz route names are "METHOD /path" (a suffix after ? names a variant of the same route). */
const fuzzed = new Set(ROUTES.map((r) => r.name.split('?')[0] as string));

it('finds the routes the app registers', () => {
  expect(routes.length).toBeGreaterThan(40);
  expect(routes).toContainEqual(expect.objectContaining({ method: 'PUT', path: '/config', auth: 'admin' }));
});

it('fuzzes every POST, PUT, PATCH and DELETE route', () => {
  const missing = routes
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}`)
    .filter((name) => !fuzzed.has(name));
  expect(missing).toEqual([]);
});

it('fuzzes the query string of every GET route that takes one', () => {
  const missing = routes
    .filter((r) => r.method === 'GET' && r.hasQuery && !QUERY_ROUTES.includes(r.path))
    .map((r) => `GET ${r.path}`);
  expect(missing).toEqual([]);
});

it('names no route the app does not have', () => {
  const known = new Set(routes.map((r) => `${r.method} ${r.path}`));
  expect([...fuzzed].filter((name) => !known.has(name))).toEqual([]);
});
