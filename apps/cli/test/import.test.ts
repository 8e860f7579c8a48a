/**
 * `gatehouse import` against a real server (built @gatehouse/server, its nft
 * calls in a throwaway namespace holding the brief's hand-written my_nat):
 * show prints the summary, the tables read, the notes and the equivalence
 * report; adopt --retire makes it the desired model with the takeover
 * pending; cancel retires nothing; refusals come back with their code.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { buildApp, ServerConfig } from '@gatehouse/server';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/commands.js';

const PASSWORD = 'Gatehouse-cli-import-Marten-57';
const BRIEF_FINAL = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'packages',
  'rules',
  'test',
  'fixtures',
  'brief-final.nft',
);
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

beforeAll(async () => {
  ns = createNetns('gh-clii');
  // `iif "eth0"` in the brief's table names an interface index: eth0 has to exist to load it.
  ns.exec('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
  ns.exec('ip', ['addr', 'add', '192.0.2.2/24', 'dev', 'eth0']);
  ns.exec('ip', ['addr', 'add', '192.168.1.1/24', 'dev', 'eth1']);
  ns.exec('nft', ['-f', '-'], readFileSync(BRIEF_FINAL, 'utf8'));
  stateDir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-import-'));
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
      body: JSON.stringify({ name: `import-${role}`, role }),
    });
    tokens[role] = ((await r.json()) as { token: string }).token;
  }
}, 30_000);

afterAll(async () => {
  await app?.close();
  ns?.destroy();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

describe('gatehouse import', () => {
  it('show: the summary, the table read, the notes and the equivalence report', async () => {
    const r = await gatehouse(['import', 'show']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^summary: 1 forward, 1 gateway forward, FTP helper on 21/);
    expect(r.out).toContain('tables read:\n  ip my_nat (hand-written)\n');
    expect(r.out).toMatch(/^carried over \(\d+\):\n {2}interfaces from the ruleset: WAN eth0, LAN eth1$/m);
    expect(r.out).toMatch(/^= +tcp 21 +helper port +forwarded to 192\.168\.1\.2:21/m);
  }, 30_000);

  it('adopt --retire: the desired model, with the takeover pending; cancel retires nothing', async () => {
    const adopted = await gatehouse(['import', 'adopt', '--retire', 'ip:my_nat']);
    expect(adopted.code, adopted.err).toBe(0);
    expect(adopted.out).toMatch(
      /^adopted as desired version \d+; the next apply retires ip my_nat \(gatehouse apply\)$/m,
    );
    expect((await gatehouse(['import', 'show'])).out).toContain('the next apply retires: ip my_nat');
    const cancelled = await gatehouse(['import', 'cancel']);
    expect(cancelled).toMatchObject({ code: 0, out: 'the next apply retires nothing\n' });
    expect((await gatehouse(['import', 'show'])).out).not.toContain('the next apply retires');
    expect(ns.exec('nft', ['list', 'tables'])).toContain('table ip my_nat'); // nothing applied
  }, 30_000);

  it('refusals come back with their code; a viewer may not', async () => {
    const own = await gatehouse(['import', 'adopt', '--retire', 'ip:gatehouse']);
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/import_own_table|Gatehouse's own table/);
    const viewer = await gatehouse(['import', 'show'], 'viewer');
    expect(viewer.code).toBe(1);
    expect(viewer.err).toMatch(/403|forbidden|admin/i);
  }, 30_000);
});
