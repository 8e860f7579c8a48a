/**
 * The FTP doctor against the real thing: the server drives the lab gateway,
 * real FTP clients go through it, vsftpd servers misconfigured for NAT sit
 * on the lab server, and each verdict is checked both ways (the failing
 * setup and the working one, the misconfigured server and the right one).
 */
import { createLab, type FtpsServer, ftpFetch, ftpsFetch, LAB_ADDR, type Lab, startFtpsServer } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApi, type Json } from './api-call.js';
import { createToken, LAB_MODEL, login, makeApp, type TestApp, waitFor } from './helpers.js';

let lab: Lab;
let t: TestApp;
let token: string;
let base: string;
const servers: FtpsServer[] = [];

/** Extra servers on the lab server: announcing the public address, another network's, and FTPS. */
const PORT = { public: 2122, foreign: 2123, ftps: 2124, ftpsPublic: 2125 } as const;
const FOREIGN_ADDRESS = '10.9.8.7';

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetchApi(base, token, method, url, body, headers);

async function apply() {
  const r = await api('POST', '/apply', {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function setFtp(policy: Record<string, unknown>) {
  const r = await api('PUT', '/ftp', policy);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function diagnosis(): Promise<Json> {
  const r = await api('GET', '/ftp/diagnosis');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const forwardOf = (d: Json, id: string) => {
  const f = d.forwards.find((x: Json) => x.forwardId === id);
  if (!f) throw new Error(`no diagnosis for ${id}: ${JSON.stringify(d.forwards.map((x: Json) => x.forwardId))}`);
  return f;
};
const checkOf = (d: Json, id: string, name: string) => forwardOf(d, id).checks.find((c: Json) => c.check === name);
const codes = (c: Json) => [c.finding.code, ...c.evidence.map((e: Json) => e.code), c.fix?.code].filter(Boolean);

const passive = () => ftpFetch(lab, { mode: 'passive', path: 'hello.txt', timeoutSec: 4 });
const active = () => ftpFetch(lab, { mode: 'active', path: 'hello.txt', timeoutSec: 4 });

beforeAll(async () => {
  lab = await createLab({ ftpPorts: [21] });
  t = await makeApp(lab.ns.gateway, { conntrack: 'true', strictTcpPickup: 'true', eventBatchMs: 50 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  token = await createToken(t.app, await login(t.app), 'admin');
  servers.push(
    ...(await Promise.all([
      startFtpsServer(lab, { port: PORT.public, pasvAddress: LAB_ADDR.gatewayWan, requireTls: false }),
      startFtpsServer(lab, {
        port: PORT.foreign,
        pasvAddress: FOREIGN_ADDRESS,
        requireTls: false,
        passivePorts: { min: 40010, max: 40019 },
      }),
      startFtpsServer(lab, { port: PORT.ftps, passivePorts: { min: 40020, max: 40029 } }),
      startFtpsServer(lab, {
        port: PORT.ftpsPublic,
        pasvAddress: LAB_ADDR.gatewayWan,
        passivePorts: { min: 40030, max: 40039 },
      }),
    ])),
  );
  const cfg = await api('GET', '/config');
  const put = await api('PUT', '/config', LAB_MODEL, { 'if-match': cfg.etag });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  const r = await api('POST', '/forwards', { id: 'ftp', name: 'FTP', publicPorts: '21', target: LAB_ADDR.server });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  await apply();
}, 90_000);

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await t?.close();
  await lab?.destroy();
});

describe('the FTP doctor in the lab', () => {
  it('is red while the helper is off (and passive FTP fails with a real client)', async () => {
    const p = await passive();
    expect(p.ok).toBe(false);
    const d = await diagnosis();
    expect(d.status).toBe('failure');
    const f = forwardOf(d, 'ftp');
    expect(f).toMatchObject({ server: LAB_ADDR.server, controlPort: 21, publicPort: 21, status: 'failure' });
    expect(checkOf(d, 'ftp', 'kernel')).toMatchObject({ status: 'ok', finding: { code: 'kernel.ok' } });
    const scope = checkOf(d, 'ftp', 'helper-scope');
    expect(scope).toMatchObject({
      status: 'failure',
      finding: { code: 'scope.helper_off' },
      fix: { code: 'fix.enable_helper' },
    });
    const live = checkOf(d, 'ftp', 'live-evidence');
    expect(live).toMatchObject({ status: 'failure', finding: { code: 'live.without_helper' } });
    expect(codes(live)).toContain('evidence.no_expectations');
    expect(
      live.evidence.some((e: Json) => e.code === 'evidence.flow_without_helper' && e.params.client === LAB_ADDR.client),
    ).toBe(true);
    const probe = checkOf(d, 'ftp', 'probe');
    expect(probe).toMatchObject({ status: 'ok', finding: { code: 'probe.ok', params: { host: LAB_ADDR.server } } });
    expect(codes(probe)).toContain('evidence.auth_tls_not_offered');
    expect(probe.evidence.find((e: Json) => e.code === 'evidence.banner').params.banner).toContain(
      'Gatehouse lab FTP server',
    );
  }, 30_000);

  it('is green once the helper is applied (and passive FTP works)', async () => {
    await setFtp({ enabled: true, controlPorts: [21], passiveOnly: false });
    // Saved, not applied: the doctor still reads the applied revision, and says to apply.
    const pending = checkOf(await diagnosis(), 'ftp', 'helper-scope');
    expect(pending).toMatchObject({ status: 'failure', fix: { code: 'fix.apply' } });
    await apply();
    const p = await passive();
    expect(p.ok, p.transcript).toBe(true);
    const d = await waitFor('the data connection recorded', async () => {
      const x = await diagnosis();
      return checkOf(x, 'ftp', 'live-evidence').status === 'ok' ? x : null;
    });
    const f = forwardOf(d, 'ftp');
    expect(f.checks.map((c: Json) => [c.check, c.status])).toEqual([
      ['kernel', 'ok'],
      ['helper-scope', 'ok'],
      ['live-evidence', 'ok'],
      ['passive-only', 'ok'],
      ['probe', 'ok'],
      ['heuristics', 'ok'],
    ]);
    expect(f.status).toBe('ok');
    const live = checkOf(d, 'ftp', 'live-evidence');
    const expectations = live.evidence.find((e: Json) => e.code === 'evidence.expectations');
    expect(expectations.params.count).toBeGreaterThanOrEqual(1);
    expect(Date.parse(expectations.params.last)).toBeGreaterThan(Date.now() - 60_000);
    expect(live.evidence.find((e: Json) => e.code === 'evidence.data_linked').params.count).toBeGreaterThanOrEqual(1);
    expect(checkOf(d, 'ftp', 'passive-only').finding.code).toBe('passive.off');
  }, 30_000);

  it('passive-only: shows the policy and the active attempts it refused', async () => {
    const before = checkOf(await diagnosis(), 'ftp', 'passive-only');
    expect(codes(before)).not.toContain('evidence.active_attempt');
    // Passive-only off: no drop rule, so no count at all.
    expect(codes(before)).not.toContain('evidence.drop_counter');
    await setFtp({ enabled: true, controlPorts: [21], passiveOnly: true });
    await apply();
    expect((await active()).ok).toBe(false);
    expect((await passive()).ok).toBe(true);
    const check = await waitFor('the active attempt recorded', async () => {
      const c = checkOf(await diagnosis(), 'ftp', 'passive-only');
      return codes(c).includes('evidence.active_attempt') ? c : null;
    });
    expect(check).toMatchObject({ status: 'ok', finding: { code: 'passive.on' } });
    const attempt = check.evidence.find((e: Json) => e.code === 'evidence.active_attempt');
    expect(attempt.params.client).toBe(LAB_ADDR.client);
    expect(Date.parse(attempt.params.at)).toBeGreaterThan(Date.now() - 60_000);
    // The drop rule counts (render/ftp.ts): the refused active attempt raised the count the doctor shows.
    expect(codes(check)).not.toContain('evidence.counter_unavailable');
    const counter = check.evidence.find((e: Json) => e.code === 'evidence.drop_counter');
    expect(counter.params.packets).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('warns about a server that announces the public address, fails one that announces another network', async () => {
    for (const [id, port] of [
      ['ftp-public', PORT.public],
      ['ftp-foreign', PORT.foreign],
    ] as const) {
      const r = await api('POST', '/forwards', { id, name: id, publicPorts: String(port), target: LAB_ADDR.server });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    await setFtp({ enabled: true, controlPorts: [21, PORT.public, PORT.foreign], passiveOnly: true });
    await apply();
    const d = await diagnosis();
    const pub = checkOf(d, 'ftp-public', 'probe');
    expect(pub).toMatchObject({
      status: 'warning',
      finding: { code: 'probe.public_address', params: { host: LAB_ADDR.gatewayWan } },
      fix: { code: 'fix.unset_pasv_address' },
    });
    expect(checkOf(d, 'ftp-public', 'passive-only')).toMatchObject({
      status: 'warning',
      finding: { code: 'passive.blocks_nothing' },
    });
    const foreign = checkOf(d, 'ftp-foreign', 'probe');
    expect(foreign).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.foreign_address', params: { host: FOREIGN_ADDRESS } },
      fix: { code: 'fix.own_address', params: { server: LAB_ADDR.server } },
    });
    expect(forwardOf(d, 'ftp-foreign').status).toBe('failure');
    // The right server beside them stays green.
    expect(checkOf(d, 'ftp', 'probe').status).toBe('ok');
    expect(checkOf(d, 'ftp', 'passive-only').status).toBe('ok');
  }, 30_000);

  it('suspects FTPS when a real FTPS client gets through the helper but its data connection goes nowhere', async () => {
    const r = await api('POST', '/forwards', {
      id: 'ftp-tls',
      name: 'FTPS',
      publicPorts: String(PORT.ftps),
      target: LAB_ADDR.server,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await setFtp({ enabled: true, controlPorts: [21, PORT.public, PORT.foreign, PORT.ftps], passiveOnly: false });
    await apply();
    // curl's default EPSV (no address, only a port): the client connects to the public address it used.
    const ftps = await ftpsFetch(lab, { port: PORT.ftps, path: 'hello.txt', usePasvAddress: false, timeoutSec: 6 });
    expect(ftps.ok, ftps.transcript).toBe(false);
    expect(ftps.transcript).toMatch(/> AUTH (SSL|TLS)/);
    const check = await waitFor('FTPS suspected', async () => {
      const c = checkOf(await diagnosis(), 'ftp-tls', 'heuristics');
      return c.status === 'warning' ? c : null;
    });
    expect(check).toMatchObject({
      finding: { code: 'heuristics.ftps_suspected', params: { server: LAB_ADDR.server, port: PORT.ftps } },
      fix: { code: 'fix.ftps', params: { public: LAB_ADDR.gatewayWan } },
    });
    const stray = check.evidence.find((e: Json) => e.code === 'evidence.stray_connection');
    expect(stray.params).toMatchObject({ client: LAB_ADDR.client, address: LAB_ADDR.gatewayWan });
    expect(stray.params.port).toBeGreaterThanOrEqual(40020);
    expect(stray.params.port).toBeLessThanOrEqual(40029);
    // A client that believes the 227 reply (the private address the helper could not rewrite) is seen too.
    const believer = await ftpsFetch(lab, { port: PORT.ftps, path: 'hello.txt', usePasvAddress: true, timeoutSec: 4 });
    expect(believer.ok).toBe(false);
    expect(believer.pasvAddress?.host).toBe(LAB_ADDR.server);
    await waitFor('the connection to the private address', async () => {
      const c = checkOf(await diagnosis(), 'ftp-tls', 'heuristics');
      return c.evidence.some(
        (e: Json) => e.code === 'evidence.stray_connection' && e.params.address === LAB_ADDR.server,
      );
    });
    const d = await diagnosis();
    expect(codes(checkOf(d, 'ftp-tls', 'probe'))).toContain('evidence.auth_tls_offered');
    // The plain FTP forward, whose transfers create expectations, is not suspected.
    expect((await passive()).ok).toBe(true);
    expect(checkOf(await diagnosis(), 'ftp', 'heuristics').status).toBe('ok');
  }, 40_000);

  it('an FTPS forward: red while its server announces its private address, green when it announces the public one', async () => {
    // The FTPS forward (no helper needed): the server of the last test, which announces 192.168.1.2.
    await setFtp({ enabled: true, controlPorts: [21, PORT.public, PORT.foreign], passiveOnly: false });
    const tlsForward = { id: 'ftp-tls', name: 'FTPS', publicPorts: String(PORT.ftps), target: LAB_ADDR.server };
    let r = await api('PUT', '/forwards/ftp-tls', { ...tlsForward, ftps: { passivePorts: '40020-40029' } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    r = await api('POST', '/forwards', {
      id: 'ftps-public',
      name: 'FTPS announcing the public address',
      publicPorts: String(PORT.ftpsPublic),
      target: LAB_ADDR.server,
      ftps: { passivePorts: '40030-40039' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await apply();
    const bad = await ftpsFetch(lab, { port: PORT.ftps, path: 'hello.txt', timeoutSec: 6 });
    expect(bad.ok).toBe(false);
    expect(bad.pasvAddress?.host).toBe(LAB_ADDR.server);
    const good = await ftpsFetch(lab, { port: PORT.ftpsPublic, path: 'hello.txt', timeoutSec: 6 });
    expect(good.ok, good.transcript).toBe(true);
    expect(good.body.toString()).toBe('Hello from the Gatehouse lab FTP server.\n');

    const d = await diagnosis();
    // The probe spoke TLS (the server refuses plain anonymous logins) and read the 227 reply under it.
    const badProbe = checkOf(d, 'ftp-tls', 'probe');
    expect(badProbe).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.ftps_private', params: { host: LAB_ADDR.server } },
      fix: { code: 'fix.ftps', params: { public: LAB_ADDR.gatewayWan } },
    });
    expect(codes(badProbe)).toContain('evidence.tls');
    expect(checkOf(d, 'ftp-tls', 'helper-scope')).toMatchObject({ status: 'ok', finding: { code: 'scope.ftps' } });
    const f = forwardOf(d, 'ftps-public');
    expect(f.ftpsPassivePorts).toBe('40030-40039');
    expect(f.checks.map((c: Json) => [c.check, c.status, c.finding.code])).toEqual([
      ['kernel', 'ok', 'kernel.ok'],
      ['helper-scope', 'ok', 'scope.ftps'],
      ['live-evidence', 'ok', 'live.ftps'],
      ['passive-only', 'ok', 'passive.off'],
      ['probe', 'ok', 'probe.ftps_ok'],
      ['heuristics', 'ok', 'heuristics.ok'],
    ]);
  }, 40_000);
});
