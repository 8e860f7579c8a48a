/**
 * `gatehouse forwards add --ftps-passive ... --reflection ...` against a real
 * server (its nft calls in a throwaway namespace): the fields reach the model
 * and the applied table, and the server's refusal comes back as the field's
 * message with a non-zero exit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { buildApp, ServerConfig } from '@gatehouse/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/commands.js';

const PASSWORD = 'Gatehouse-cli-ftps-Otter-57';
let ns: Netns;
let stateDir: string;
let app: FastifyInstance;
let url: string;
const tokens: Record<'admin' | 'viewer', string> = { admin: '', viewer: '' };

async function gatehouse(args: string[], role: 'admin' | 'viewer' = 'admin') {
  let out = '';
  let err = '';
  const code = await main(['--url', url, '--token', tokens[role], ...args], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: {},
  });
  return { code, out, err };
}

async function get(path: string): Promise<unknown> {
  const r = await fetch(`${url}/api/v1${path}`, { headers: { authorization: `Bearer ${tokens.admin}` } });
  return r.json();
}

beforeAll(async () => {
  ns = createNetns('gh-clif');
  stateDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-ftps-'));
  const config = ServerConfig.parse({
    stateDir,
    netns: ns.name,
    adminPassword: PASSWORD,
    conntrack: 'false',
    driftIntervalMs: 60_000,
    logLevel: 'silent',
  });
  app = await buildApp({ config, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  for (const role of ['admin', 'viewer'] as const) {
    const r = await fetch(`${url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-gatehouse-csrf': csrfToken },
      body: JSON.stringify({ name: `ftps-${role}`, role }),
    });
    tokens[role] = ((await r.json()) as { token: string }).token;
  }
}, 30_000);

afterAll(async () => {
  await app?.close();
  ns?.destroy();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('gatehouse forwards add with FTPS and reflection', () => {
  it('adds an FTPS forward reflected on its own, applied: the passive range and the reflection set are loaded', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'ftps',
      '--ports',
      '21',
      '--target',
      '192.168.1.2',
      '--ftps-passive',
      '40000-40009',
      '--reflection',
      'on',
      '--apply',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^added forward ftps \(applied: revision \d+\)/);
    expect(await get('/forwards/ftps')).toMatchObject({ ftps: { passivePorts: '40000-40009' }, reflection: true });
    const nft = ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(nft).toMatch(/40000-40009 [^\n]*comment "forward ftps" : 192\.168\.1\.2/);
    expect(nft).toMatch(/set reflected_tcp_ports/);
  });

  it('a second range in --ftps-passive is refused with the field message, nothing added', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'ftps2',
      '--ports',
      '990',
      '--target',
      '192.168.1.3',
      '--ftps-passive',
      '41000-41009,42000',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/passive range as one port or one range/);
    expect(((await get('/forwards')) as { items: { id: string }[] }).items.map((f) => f.id)).toEqual(['ftps']);
  });

  it('rejects a --reflection value other than on or off before any request', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'x',
      '--ports',
      '80',
      '--target',
      '192.168.1.9',
      '--reflection',
      'maybe',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/reflection/);
  });
});
