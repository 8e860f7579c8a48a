/**
 * Operations (issue #6): adopting a hand-written gateway, Prometheus
 * metrics, and HTTPS. Everything that runs nft runs in a throwaway namespace.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import {
  ADMIN_PASSWORD,
  bearer,
  createNetns,
  createToken,
  login,
  makeApp,
  type Netns,
  type Session,
  type TestApp,
  waitFor,
} from './helpers.js';

const BRIEF_FINAL = join(import.meta.dirname, '../../../packages/rules/test/fixtures/brief-final.nft');

describe('importing a hand-written gateway', () => {
  let ns: Netns;
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    ns = createNetns();
    // `iif "eth0"` in the brief's table names an interface index: eth0 has to exist to load it.
    ns.exec('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer']);
    ns.exec('ip', ['addr', 'add', '192.0.2.2/24', 'dev', 'eth0']);
    // The LAN side, so the proposal can tell it from the forward target's prefix.
    ns.exec('ip', ['link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1-peer']);
    ns.exec('ip', ['addr', 'add', '192.168.1.1/24', 'dev', 'eth1']);
    ns.exec('nft', ['-f', '-'], await readFile(BRIEF_FINAL, 'utf8'));
    t = await makeApp(ns.name);
    admin = await login(t.app);
  });
  afterAll(async () => {
    await t?.close();
    ns?.destroy();
  });

  it("proposes the brief's model from the live ruleset, with its script and a diff, changing nothing", async () => {
    const before = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: admin.headers });
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/import/proposal', headers: admin.headers });
    expect(r.statusCode).toBe(200);
    const p = r.json();
    expect(p.sources).toEqual(['ip my_nat']);
    expect(p.valid).toBe(true);
    expect(p.notes).toEqual([]);
    expect(p.model.interfaces).toEqual({ wan: 'eth0', lan: ['eth1'] });
    expect(p.model.gatewayForwards).toMatchObject([{ protocol: 'tcp', publicPort: 2222, localPort: 22 }]);
    expect(p.model.forwards).toMatchObject([{ publicPorts: '1-2221,2223-65535', target: '192.168.1.2' }]);
    expect(p.model.ftp).toEqual({ enabled: true, controlPorts: [21], servers: ['192.168.1.2'], passiveOnly: false });
    expect(p.script).toContain('table ip gatehouse {');
    expect(p.script).toContain('ct helper set "ftp-incoming"');
    expect(p.diff).toMatch(/^\+.*ct helper ftp-incoming/m);
    expect(r.headers.etag).toBe(before.headers.etag);
    expect(p.desiredVersion).toBe(Number(String(before.headers.etag).replace(/\D/g, '')));
    // A preview: the desired state and the kernel are as they were.
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/config', headers: admin.headers });
    expect(after.json()).toEqual(before.json());
    expect(ns.exec('nft', ['list', 'tables'])).not.toContain('gatehouse');
  });

  it('adopts the proposal as the desired state (If-Match required), and an apply loads it', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/import/proposal', headers: admin.headers });
    const { model } = r.json();
    const missing = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/adopt',
      headers: admin.headers,
      payload: { model },
    });
    expect(missing.statusCode).toBe(428);
    const stale = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/adopt',
      headers: { ...admin.headers, 'if-match': '"v999"' },
      payload: { model },
    });
    expect(stale.statusCode).toBe(412);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/adopt',
      headers: { ...admin.headers, 'if-match': String(r.headers.etag) },
      payload: { model: { ...model, forwards: [{ ...model.forwards[0], target: 'nope' }] } },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems[0].path).toMatch(/^body\.model\.forwards\.0\.target/);

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/import/adopt',
      headers: { ...admin.headers, 'if-match': String(r.headers.etag) },
      payload: { model },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().model.forwards).toHaveLength(1);
    expect(ns.exec('nft', ['list', 'tables'])).not.toContain('gatehouse'); // nothing applied yet
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers: admin.headers });
    expect(JSON.stringify(audit.json())).toContain('config.import');

    const applied = await t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: admin.headers, payload: {} });
    expect(applied.statusCode).toBe(200);
    const live = ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(live).toContain('ct helper ftp-incoming');
    expect(ns.exec('nft', ['list', 'tables'])).toContain('my_nat'); // the hand-written table is the operator's to remove

    // With the desired state now equal to the proposal, the diff is empty.
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/import/proposal', headers: admin.headers });
    expect(again.json().sources).toEqual(['ip my_nat']);
    expect(again.json().diff).toBe('');
  });
});

function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Prometheus metrics', () => {
  let ns: Netns;
  let t: TestApp;
  let admin: Session;
  let viewer: string;
  beforeAll(async () => {
    ns = createNetns();
    t = await makeApp(ns.name);
    admin = await login(t.app);
    viewer = await createToken(t.app, admin, 'viewer');
  });
  afterAll(async () => {
    await t?.close();
    ns?.destroy();
  });
  const scrape = async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/metrics', headers: bearer(viewer) });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return r.body;
  };

  it('needs a session or a token', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/api/v1/metrics' });
    expect(r.statusCode).toBe(401);
  });

  it('counts applies, rollbacks and their duration; shows flows, expectations, drift and pending', async () => {
    const first = await scrape();
    expect(metricValue(first, 'gatehouse_applies_total{result="ok",mode="full"}')).toBe(0);
    expect(metricValue(first, 'gatehouse_apply_duration_seconds_count{kind="apply"}')).toBeUndefined();
    expect(metricValue(first, 'gatehouse_conntrack_flows')).toBe(0);
    expect(metricValue(first, 'gatehouse_conntrack_expectations')).toBe(0);
    expect(metricValue(first, 'gatehouse_conntrack_resyncs_total')).toBe(0);
    expect(metricValue(first, 'gatehouse_events_resyncs_sent_total')).toBe(0);
    expect(first).toContain('gatehouse_drift_state{state="never-applied"}');
    expect(first).toContain('gatehouse_process_cpu_seconds_total');

    const a = await t.app.inject({
      method: 'POST',
      url: '/api/v1/apply',
      headers: admin.headers,
      payload: { confirmWithinSeconds: 60 },
    });
    expect(a.statusCode).toBe(200);
    const second = await scrape();
    expect(metricValue(second, 'gatehouse_applies_total{result="ok",mode="full"}')).toBe(1);
    expect(metricValue(second, 'gatehouse_apply_duration_seconds_count{kind="apply"}')).toBe(1);
    expect(metricValue(second, 'gatehouse_pending_confirmation')).toBe(1);
    // The drift check runs after the apply, off the request path.
    await waitFor('drift in-sync', async () => {
      await t.app.gateway.checkDrift();
      return metricValue(await scrape(), 'gatehouse_drift_state{state="in-sync"}') === 1;
    });

    const revision = a.json().revision.id as number;
    await t.app.inject({ method: 'POST', url: '/api/v1/apply/confirm', headers: admin.headers });
    const rb = await t.app.inject({
      method: 'POST',
      url: `/api/v1/revisions/${revision}/rollback`,
      headers: admin.headers,
      payload: {},
    });
    expect(rb.statusCode).toBe(200);
    const third = await scrape();
    expect(metricValue(third, 'gatehouse_pending_confirmation')).toBe(0);
    expect(metricValue(third, 'gatehouse_rollbacks_total{trigger="manual",result="ok"}')).toBe(1);
    expect(metricValue(third, 'gatehouse_rollbacks_total{trigger="auto",result="ok"}')).toBe(0);
    expect(metricValue(third, 'gatehouse_apply_duration_seconds_count{kind="rollback"}')).toBe(1);
  });
});

describe('HTTPS', () => {
  let ns: Netns;
  beforeAll(() => {
    ns = createNetns();
  });
  afterAll(() => ns?.destroy());

  function get(port: number, path: string, ca: string, method = 'GET', body?: string) {
    return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method,
          ca,
          headers: body ? { 'content-type': 'application/json' } : {},
        },
        (res) => {
          let text = '';
          res.on('data', (c) => {
            text += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  it('generates a self-signed certificate on first start (0600, kept), serves HTTPS and marks cookies Secure', async () => {
    const t = await makeApp(ns.name, { tls: 'self-signed' });
    try {
      await t.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (t.app.server.address() as { port: number }).port;
      const certPath = join(t.state.path, 'tls', 'cert.pem');
      const keyPath = join(t.state.path, 'tls', 'key.pem');
      expect(statSync(keyPath).mode & 0o777).toBe(0o600);
      expect(statSync(certPath).mode & 0o777).toBe(0o600);
      const cert = await readFile(certPath, 'utf8');
      // Trusting exactly the generated certificate: its SAN covers 127.0.0.1.
      const health = await get(port, '/api/v1/health', cert);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toEqual({ ok: true });
      const loggedIn = await get(
        port,
        '/api/v1/auth/login',
        cert,
        'POST',
        JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
      );
      expect(loggedIn.status).toBe(200);
      expect(String(loggedIn.headers['set-cookie'])).toMatch(/; Secure/);

      // A provided certificate (here: the one just made) is served as is.
      const provided = await makeApp(ns.name, { tlsCert: certPath, tlsKey: keyPath });
      try {
        await provided.app.listen({ host: '127.0.0.1', port: 0 });
        const p2 = (provided.app.server.address() as { port: number }).port;
        expect((await get(p2, '/api/v1/health', cert)).status).toBe(200);
      } finally {
        await provided.close();
      }
    } finally {
      await t.close();
    }
  });

  it('keeps the generated certificate across restarts', async () => {
    const t = await makeApp(ns.name, { tls: 'self-signed' });
    const certPath = join(t.state.path, 'tls', 'cert.pem');
    const first = await readFile(certPath, 'utf8');
    await t.app.close();
    const { buildApp } = await import('../src/app.js');
    const again = await buildApp({ config: { ...t.app.config }, logger: false });
    await again.close();
    expect(await readFile(certPath, 'utf8')).toBe(first);
    t.state.remove();
  });

  it('refuses half a certificate configuration', () => {
    expect(() => loadConfig({ GATEHOUSE_TLS_CERT: '/etc/ssl/cert.pem' })).toThrow(ConfigError);
    expect(() => loadConfig({ GATEHOUSE_TLS_CERT: '/x.pem' })).toThrow(
      /GATEHOUSE_TLS_KEY \(--tls-key\): set both the certificate and its key/,
    );
    expect(() => loadConfig({ GATEHOUSE_TLS: 'maybe' })).toThrow(/GATEHOUSE_TLS \(--tls\): use self-signed/);
    expect(loadConfig({ GATEHOUSE_TLS: 'self-signed' }).tls).toBe('self-signed');
  });
});
