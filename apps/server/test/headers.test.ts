/**
 * Security headers by protocol: HSTS and CSP upgrade-insecure-requests only
 * over TLS (real HTTPS with the self-signed certificate, or a trusted proxy's
 * X-Forwarded-Proto), never over plain HTTP, where they would make the
 * browser fetch every script over https and show a blank page.
 */
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetns, makeApp, type Netns, type TestApp } from './helpers.js';

type Headers = Record<string, string | string[] | number | undefined>;

function csp(h: Headers): string {
  return String(h['content-security-policy'] ?? '');
}

function expectPlainHttpHeaders(h: Headers): void {
  expect(csp(h)).toContain("default-src 'self'");
  expect(csp(h)).toContain("script-src 'self'");
  expect(csp(h)).not.toContain('upgrade-insecure-requests');
  expect(h['strict-transport-security']).toBeUndefined();
  expect(h['cross-origin-opener-policy']).toBeUndefined();
}

function expectTlsHeaders(h: Headers): void {
  expect(csp(h)).toContain("default-src 'self'");
  expect(csp(h)).toContain("script-src 'self'");
  expect(csp(h)).toContain('upgrade-insecure-requests');
  expect(String(h['strict-transport-security'])).toMatch(/max-age=\d+/);
  expect(h['cross-origin-opener-policy']).toBe('same-origin');
}

/** A GET over real TLS; the self-signed certificate is accepted for this request only. */
function httpsGet(port: number, path: string): Promise<{ status: number; headers: Headers }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from https://127.0.0.1:${port}${path} within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

let ns: Netns;
beforeAll(() => {
  ns = createNetns();
});
afterAll(() => ns.destroy());

describe('over plain HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp(ns.name);
  });
  afterAll(() => t.close());

  it('sends neither HSTS nor upgrade-insecure-requests (inject)', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(r.statusCode).toBe(200);
    expectPlainHttpHeaders(r.headers);
  });

  it('ignores X-Forwarded-Proto when no proxy is trusted', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expectPlainHttpHeaders(r.headers);
  });

  it('sends neither on a real socket, also for a 404', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as AddressInfo;
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
    expect(ok.status).toBe(200);
    expectPlainHttpHeaders(Object.fromEntries(ok.headers));
    const missing = await fetch(`http://127.0.0.1:${port}/api/v1/no-such-route`, { signal: AbortSignal.timeout(5000) });
    expect(missing.status).toBe(404);
    expectPlainHttpHeaders(Object.fromEntries(missing.headers));
  });
});

describe('over HTTPS (self-signed certificate)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp(ns.name, { tls: 'self-signed' });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => t.close());

  it('sends HSTS and upgrade-insecure-requests', async () => {
    const { port } = t.app.server.address() as AddressInfo;
    const r = await httpsGet(port, '/api/v1/health');
    expect(r.status).toBe(200);
    expectTlsHeaders(r.headers);
  });
});

describe('behind a TLS-terminating proxy (trustProxy)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp(ns.name, { trustProxy: 'true' });
  });
  afterAll(() => t.close());

  it('judges by the forwarded protocol: https gets both headers', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'https' } });
    expectTlsHeaders(r.headers);
  });

  it('judges by the forwarded protocol: http gets neither', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/health', headers: { 'x-forwarded-proto': 'http' } });
    expectPlainHttpHeaders(r.headers);
  });
});
