/**
 * Hostile inputs with a known answer (issue #10): 100,000 empty forwards get
 * a small 400 quickly and leave the heap where it was; a body over the limit
 * is a 413, malformed JSON a 400 invalid_json, a wrong content type a 415;
 * a 4 MB string is neither echoed in a response nor written whole to the log.
 */
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ServerConfig } from '../src/config.js';
import { loggerOptions } from '../src/lib/log.js';
import { frameworkErrors } from '../src/plugins/errors.js';
import { settledMemory } from './fuzz-memory.js';
import { bearer, createNetns, createToken, LAB_MODEL, login, type Netns, type Session, tempDir } from './helpers.js';

const BIG = 4 * 1024 * 1024;
/** Our own admin password, strong enough for any password policy. */
const PASSWORD = 'quartz-lantern-meadow-41-vortex';

let ns: Netns;
let state: ReturnType<typeof tempDir>;
let app: FastifyInstance;
let admin: Session;
let token: string;
/** Every log line the server wrote, and the longest. */
const logLines: string[] = [];

beforeAll(async () => {
  ns = createNetns();
  state = tempDir();
  const config = ServerConfig.parse({
    stateDir: state.path,
    netns: ns.name,
    adminPassword: PASSWORD,
    conntrack: 'false',
    driftIntervalMs: 60_000,
    logLevel: 'info',
  });
  const stream = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  app = await buildApp({ config, logger: { ...loggerOptions('info'), stream } });
  await app.ready();
  admin = await login(app, 'admin', PASSWORD);
  token = await createToken(app, admin, 'admin');
});

afterAll(async () => {
  await app?.close();
  state?.remove();
  ns?.destroy();
});

async function etag(): Promise<string> {
  const r = await app.inject({ method: 'GET', url: '/api/v1/config', headers: bearer(token) });
  return String(r.headers.etag);
}

describe('bounded error bodies', () => {
  it('answers 100,000 empty forwards with a small 400 quickly, and the heap goes back down', async () => {
    const before = settledMemory();
    const started = performance.now();
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: { ...bearer(token), 'if-match': await etag() },
      payload: { ...LAB_MODEL, forwards: Array.from({ length: 100_000 }, () => ({})) },
    });
    const ms = performance.now() - started;
    const after = settledMemory();
    console.log(
      `100k empty forwards: ${r.statusCode}, ${r.body.length} bytes in ${ms.toFixed(0)} ms; ` +
        `heap ${before.heapMiB.toFixed(0)} -> ${after.heapMiB.toFixed(0)} MiB, rss ${before.rssMiB.toFixed(0)} -> ${after.rssMiB.toFixed(0)} MiB`,
    );
    expect(r.statusCode).toBe(400);
    const body = r.json();
    expect(body.error).toBe('validation');
    expect(body.problems).toHaveLength(20);
    expect(body.problems[0].path).toMatch(/^body\.forwards\.0\./);
    expect(body.problemCount).toBeGreaterThanOrEqual(100_000);
    expect(r.body.length).toBeLessThan(16 * 1024);
    expect(ms).toBeLessThan(10_000);
    expect(after.heapMiB - before.heapMiB).toBeLessThan(64);
    expect(after.rssMiB - before.rssMiB).toBeLessThan(400);
  });

  it('never echoes a 4 MB value in the response or writes it whole to the log', async () => {
    const huge = `80${'0'.repeat(BIG)}`;
    const bodies = [
      { ...LAB_MODEL, forwards: [{ id: 'a', name: 'a', publicPorts: huge, target: '192.168.1.2' }] },
      { ...LAB_MODEL, forwards: [{ id: 'a', name: 'a', publicPorts: `80,${huge}`, target: '192.168.1.2' }] },
      { ...LAB_MODEL, table: huge },
      { ...LAB_MODEL, interfaces: { wan: huge, lan: [huge] } },
      { ...LAB_MODEL, [huge]: 1 },
    ];
    for (const payload of bodies) {
      logLines.length = 0;
      const r = await app.inject({
        method: 'PUT',
        url: '/api/v1/config',
        headers: { ...bearer(token), 'if-match': await etag() },
        payload,
      });
      // An unknown key is dropped (200); the others are field errors (400).
      expect(r.statusCode).toBeLessThan(500);
      expect(r.body.length).toBeLessThan(16 * 1024);
      expect(Math.max(0, ...logLines.map((l) => l.length))).toBeLessThan(16 * 1024);
    }
    logLines.length = 0;
    const q = await app.inject({
      method: 'GET',
      url: `/api/v1/conntrack?address=${'1'.repeat(BIG)}&cursor=${'x'.repeat(BIG)}`,
      headers: bearer(token),
    });
    expect(q.statusCode).toBe(400);
    expect(q.body.length).toBeLessThan(16 * 1024);
    expect(Math.max(0, ...logLines.map((l) => l.length))).toBeLessThan(16 * 1024);
  });

  it('logs no request body', async () => {
    logLines.length = 0;
    const marker = 'body-marker-that-must-not-be-logged';
    await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: bearer(token),
      payload: { name: marker, role: 'nobody' },
    });
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('')).not.toContain(marker);
  });
});

describe('fastify refusals get their status and a code', () => {
  it('malformed JSON is 400 invalid_json', async () => {
    for (const payload of ['{"table": ', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}', '']) {
      const r = await app.inject({
        method: 'PUT',
        url: '/api/v1/config',
        headers: { ...bearer(token), 'if-match': await etag(), 'content-type': 'application/json' },
        payload,
      });
      expect(r.statusCode, payload).toBe(400);
      expect(r.json().error, payload).toBe('invalid_json');
    }
  });

  it('a content type other than JSON is 415', async () => {
    const r = await app.inject({
      method: 'PUT',
      url: '/api/v1/config',
      headers: { ...bearer(token), 'if-match': await etag(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'table=x',
    });
    expect(r.statusCode).toBe(415);
    expect(r.json().error).toBe('unsupported_media_type');
  });

  it('a body over the limit is 413 body_too_large, announced or streamed, over a real socket', async () => {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    expect(address).toContain('127.0.0.1');
    const send = (headers: Record<string, string>, bytes: number) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'PUT', path: '/api/v1/config', headers: { ...bearer(token), ...headers } },
          (res) => {
            let body = '';
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        const chunk = Buffer.alloc(1024 * 1024, 0x20);
        let left = bytes;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      });
    const announced = await send({ 'content-type': 'application/json', 'content-length': String(65 * 1024 * 1024) }, 0);
    expect(announced.status).toBe(413);
    expect(JSON.parse(announced.body).error).toBe('body_too_large');
    const streamed = await send(
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      65 * 1024 * 1024,
    );
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body).error).toBe('body_too_large');
  });
});

describe('router refusals (frameworkErrors, for the Fastify options in app.ts)', () => {
  it('answers a path parameter over maxParamLength and a bad percent-encoding bounded, with our codes', async () => {
    const f = Fastify({ frameworkErrors, maxParamLength: 100 });
    f.get('/x/:id', async () => 'ok');
    try {
      const long = await f.inject({ method: 'GET', url: `/x/${'a'.repeat(BIG)}` });
      expect(long.statusCode).toBe(414);
      expect(long.json().error).toBe('uri_too_long');
      expect(long.body.length).toBeLessThan(2048);
      const bad = await f.inject({ method: 'GET', url: '/x/%FF' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toBe('bad_url');
    } finally {
      await f.close();
    }
  });
});
