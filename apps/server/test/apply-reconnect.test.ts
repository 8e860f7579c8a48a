/**
 * Commit-confirm by reconnection: after a provisional apply the server
 * closes the apply's connection and every idle kept-alive one, and a
 * `reconnect` confirm counts only over a connection accepted after the apply
 * (an old one keeps its NAT mapping in conntrack and proves nothing).
 * Real sockets on loopback; the rules go to a namespace of our own.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionAges } from '../src/services/lockout/fresh-connections.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, makeApp, type Netns, type TestApp } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

let ns: Netns;
let t: TestApp;
let token: string;
let port: number;

/** One request on a new connection that is closed afterwards. */
function fresh(method: string, path: string, body?: unknown, keepAlive = false) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Json }>((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path: `/api/v1${path}`,
        agent: false,
        headers: {
          ...bearer(token),
          ...(text ? { 'content-type': 'application/json' } : {}),
          ...(keepAlive ? { connection: 'keep-alive' } : {}),
        },
      },
      (res) => {
        let data = '';
        res.on('data', (c) => {
          data += c;
        });
        res.on('end', () => {
          if (keepAlive) req.destroy();
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data ? JSON.parse(data) : null }),
        );
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

/** A kept-alive raw connection that has served one request. */
async function keptAlive(): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  await new Promise<void>((r) => socket.once('connect', () => r()));
  socket.write(`GET /api/v1/health HTTP/1.1\r\nhost: x\r\nconnection: keep-alive\r\n\r\n`);
  await new Promise<void>((r) => socket.once('data', () => r()));
  return { socket, closed };
}

beforeAll(async () => {
  ns = createNetns();
  t = await makeApp(ns.name);
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const a = t.app.server.address();
  port = typeof a === 'object' && a ? a.port : 0;
  token = await createToken(t.app, await login(t.app), 'admin');
  const cfg = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: bearer(token) });
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/config',
    headers: { ...bearer(token), 'if-match': String(cfg.headers.etag) },
    payload: LAB_MODEL,
  });
  expect(put.statusCode).toBe(200);
}, 30_000);

afterAll(async () => {
  await t?.close();
  ns?.destroy();
});

describe('confirm by reconnection', () => {
  it('a provisional apply closes its own and idle kept-alive connections; only a new one confirms', async () => {
    const old = await keptAlive();
    const applied = await fresh('POST', '/apply', { confirmWithinSeconds: 30 });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.pending.revisionId).toBe(applied.body.revision.id);
    expect(applied.headers.connection).toBe('close');
    // The idle kept-alive connection is closed by the server (its NAT mapping would outlive the new rules).
    await old.closed;

    // A connection the server did not accept after the apply (here: injected) cannot confirm by reconnection.
    const stale = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply/confirm',
      headers: bearer(token),
      payload: { reconnect: true },
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toBe('confirm_needs_new_connection');
    expect((await fresh('GET', '/apply/pending')).body.pending).not.toBeNull();

    const ok = await fresh('POST', '/apply/confirm', { reconnect: true });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.revision.status).toBe('confirmed');
    expect((await fresh('GET', '/apply/pending')).body.pending).toBeNull();
  });

  it('a plain apply (no confirmation asked) keeps the connection open', async () => {
    const r = await fresh('POST', '/apply', {}, true);
    expect(r.status).toBe(200);
    expect(r.headers.connection).not.toBe('close');
  });

  it('a confirm without reconnect still works over any connection (the operator says so)', async () => {
    const applied = await fresh('POST', '/apply', { confirmWithinSeconds: 30 });
    expect(applied.status).toBe(200);
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/apply/confirm', headers: bearer(token) });
    expect(r.statusCode, r.body).toBe(200);
  });
});

describe('ConnectionAges', () => {
  it('counts a socket as new only when accepted after the mark', () => {
    const ages = new ConnectionAges();
    const handlers: Array<(s: object) => void> = [];
    ages.watch({ on: (_e: string, fn: (s: object) => void) => handlers.push(fn) } as never);
    const before = {};
    const after = {};
    handlers[0]?.(before);
    ages.markApplied(7);
    handlers[0]?.(after);
    expect(ages.acceptedAfterApply(before, 7)).toBe(false);
    expect(ages.acceptedAfterApply(after, 7)).toBe(true);
    expect(ages.acceptedAfterApply({}, 7)).toBe(false);
    // No mark (e.g. after a restart): every accepted socket is new.
    expect(ages.acceptedAfterApply(before, 8)).toBe(true);
  });
});
