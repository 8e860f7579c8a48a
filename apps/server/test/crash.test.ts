/**
 * Crash safety with the real server process: kill -9 while writes are in
 * flight, restart, and check that the store is intact and that every change
 * the server acknowledged is there; kill -9 with a provisional apply pending,
 * and check that the restarted server rolls it back.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, createNetns, LAB_MODEL, type Netns, sleep, tempDir, waitFor } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '../dist/server.js');
let ns: Netns;
let state: ReturnType<typeof tempDir>;
let port = 0;
let proc: ChildProcess | undefined;

async function start(): Promise<void> {
  port = 20000 + Math.floor(Math.random() * 20000);
  proc = spawn(process.execPath, [SERVER], {
    env: {
      ...process.env,
      GATEHOUSE_LISTEN: `127.0.0.1:${port}`,
      GATEHOUSE_STATE_DIR: state.path,
      GATEHOUSE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      GATEHOUSE_NETNS: ns.name,
      GATEHOUSE_CONNTRACK: 'false',
      GATEHOUSE_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await waitFor(
    'the server',
    async () => (await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => null))?.ok,
    15_000,
  );
}

async function kill9(): Promise<void> {
  const p = proc;
  if (!p || p.exitCode !== null) return;
  const exited = new Promise((r) => p.once('exit', r));
  p.kill('SIGKILL');
  await exited;
}

let token = '';
async function api(method: string, url: string, body?: unknown) {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Json, etag: res.headers.get('etag') ?? '' };
}

beforeAll(async () => {
  ns = createNetns();
  state = tempDir();
  await start();
  const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const t = await fetch(`http://127.0.0.1:${port}/api/v1/tokens`, {
    method: 'POST',
    headers: { cookie, 'x-gatehouse-csrf': csrfToken, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'crash-test', role: 'admin' }),
  });
  token = ((await t.json()) as { token: string }).token;
  const cfg = await api('GET', '/config');
  const put = await fetch(`http://127.0.0.1:${port}/api/v1/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': cfg.etag },
    body: JSON.stringify(LAB_MODEL),
  });
  expect(put.status).toBe(200);
}, 60_000);

afterAll(async () => {
  await kill9();
  ns?.destroy();
  state?.remove();
});

describe('kill -9', () => {
  it('loses no acknowledged change and leaves the store consistent', async () => {
    const acknowledged: string[] = [];
    for (let round = 0; round < 3; round++) {
      let stop = false;
      const writers = [0, 1, 2].map(async (w) => {
        for (let i = 0; !stop; i++) {
          const id = `r${round}-w${w}-${i}`;
          const r = await api('POST', '/forwards', {
            id,
            name: id,
            publicPorts: String(10000 + round * 3000 + w * 1000 + i),
            target: '192.168.1.2',
          }).catch(() => null);
          if (!r) return;
          if (r.status === 201) acknowledged.push(id);
        }
      });
      await sleep(300 + Math.random() * 400);
      await kill9();
      stop = true;
      await Promise.all(writers);
      await start();
      const db = new Database(join(state.path, 'gatehouse.db'), { readonly: true });
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      } finally {
        db.close();
      }
      const ids = new Set((await api('GET', '/forwards')).body.items.map((f: { id: string }) => f.id));
      const lost = acknowledged.filter((id) => !ids.has(id));
      expect(lost).toEqual([]);
    }
    expect(acknowledged.length).toBeGreaterThan(10);
  }, 60_000);

  it('rolls back a provisional apply that was pending when the server died', async () => {
    const confirmed = await api('POST', '/apply', {});
    expect(confirmed.status).toBe(200);
    const r = await api('POST', '/forwards', {
      id: 'provisional',
      name: 'provisional',
      publicPorts: '9999',
      target: '192.168.1.2',
    });
    expect(r.status).toBe(201);
    const provisional = await api('POST', '/apply', { confirmWithinSeconds: 5 });
    expect(provisional.status).toBe(200);
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).toMatch(/forward provisional/);
    await kill9();
    // Back before the deadline: the restarted server must still honour it.
    await start();
    expect((await api('GET', '/apply/pending')).body.pending).toMatchObject({
      revisionId: provisional.body.revision.id,
    });
    await waitFor(
      'the rollback after restart',
      async () => (await api('GET', '/revisions?limit=1')).body.items[0].kind === 'auto-rollback',
      12_000,
      250,
    );
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).not.toMatch(/forward provisional/);
    const top = (await api('GET', '/revisions?limit=1')).body.items[0];
    expect(top.restoredFrom).toBe(confirmed.body.revision.id);

    // And once more, staying down past the deadline: rolled back at start.
    const again = await api('POST', '/apply', { confirmWithinSeconds: 5 });
    expect(again.status).toBe(200);
    await kill9();
    await sleep(5500);
    await start();
    const after = (await api('GET', '/revisions?limit=1')).body.items[0];
    expect(after).toMatchObject({ kind: 'auto-rollback' });
    expect((await api('GET', `/revisions/${again.body.revision.id}`)).body.status).toBe('rolled-back');
    expect(ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).not.toMatch(/forward provisional/);
  }, 60_000);
});
