/**
 * `gatehouse tftp show|set` against a real server (built @gatehouse/server,
 * its nft calls in a throwaway namespace): the policy as a table and JSON,
 * the server's field problems passed through, and an apply that loads the
 * helper into the kernel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { buildApp, ServerConfig } from '@gatehouse/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/commands.js';

const PASSWORD = 'Gatehouse-cli-tftp-Marten-58';
let ns: Netns;
let stateDir: string;
let app: FastifyInstance;
let url: string;
let token = '';

async function gatehouse(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(['--url', url, '--token', token, ...args], {
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

beforeAll(async () => {
  ns = createNetns('gh-clit');
  stateDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-tftp-'));
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
  const r = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-gatehouse-csrf': csrfToken },
    body: JSON.stringify({ name: 'cli-tftp', role: 'admin' }),
  });
  token = ((await r.json()) as { token: string }).token;
}, 30_000);

afterAll(async () => {
  await app?.close();
  ns?.destroy();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('gatehouse tftp', () => {
  it('shows the policy, refuses a port no UDP forward exposes field by field, sets it and applies it', async () => {
    const shown = await gatehouse(['tftp', 'show']);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^ENABLED\s+PORTS\s+SERVERS\nno\s+69\s+every forwarded server\n$/);

    const refused = await gatehouse(['tftp', 'set', '--enabled']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/HTTP 400, validation\)\n {2}body\.ports\.0/);

    const fwd = await gatehouse([
      'forwards',
      'add',
      '--id',
      'tftp',
      '--protocol',
      'udp',
      '--ports',
      '69',
      '--target',
      '192.168.1.20',
    ]);
    expect(fwd.code, fwd.err).toBe(0);
    const set = await gatehouse(['--json', 'tftp', 'set', '--enabled', '--servers', '192.168.1.20']);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toEqual({ enabled: true, ports: [69], servers: ['192.168.1.20'] });

    const applied = await gatehouse(['apply', '--no-confirm']);
    expect(applied.code, applied.err).toBe(0);
    const table = ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(table).toContain('ct helper tftp-incoming');
    expect(table).toMatch(/ip daddr 192\.168\.1\.20 udp dport 69 ct helper set "tftp-incoming"/);
  });
});
