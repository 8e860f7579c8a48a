/**
 * The doctor's TFTP part against the real thing (the helper family's second
 * member, diagnosed like FTP): the server drives the lab gateway, in.tftpd
 * runs on the lab server (192.168.1.2:69), the tftp-hpa client gets a file
 * through a UDP forward 69, and each verdict is checked both ways: red while
 * the helper is off (and the real get times out), green once it is applied
 * (and the get works); the probe red once the server is stopped.
 */
import {
  createLab,
  LAB_ADDR,
  LAB_TFTP_FILES,
  type Lab,
  startTftpServer,
  type TftpServer,
  tftpGet,
} from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchApi, type Json } from './api-call.js';
import { createToken, LAB_MODEL, login, makeApp, type TestApp, waitFor } from './helpers.js';

let lab: Lab;
let t: TestApp;
let token: string;
let base: string;
let tftpd: TftpServer;

const api = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetchApi(base, token, method, url, body, headers);

async function apply() {
  const r = await api('POST', '/apply', {});
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function diagnosis(): Promise<Json> {
  const r = await api('GET', '/ftp/diagnosis');
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const tftpForward = (d: Json) => {
  const f = d.tftp.forwards.find((x: Json) => x.forwardId === 'tftp');
  if (!f) throw new Error(`no TFTP diagnosis: ${JSON.stringify(d.tftp)}`);
  return f;
};
const checkOf = (d: Json, name: string) => tftpForward(d).checks.find((c: Json) => c.check === name);
const codes = (c: Json) => [c.finding.code, ...c.evidence.map((e: Json) => e.code), c.fix?.code].filter(Boolean);

const FILE = 'boot.txt';

beforeAll(async () => {
  lab = await createLab({ ftpPorts: [21] });
  t = await makeApp(lab.ns.gateway, { conntrack: 'true', eventBatchMs: 50 });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const addr = t.app.server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  token = await createToken(t.app, await login(t.app), 'admin');
  tftpd = await startTftpServer(lab);
  const cfg = await api('GET', '/config');
  const put = await api(
    'PUT',
    '/config',
    {
      ...LAB_MODEL,
      // The server answers from a new port: with masquerade that answer is lost unless the helper relates it.
      masquerade: { forwardedServers: true, lanToWan: true },
      forwards: [{ id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: LAB_ADDR.server }],
    },
    { 'if-match': cfg.etag },
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  await apply();
}, 90_000);

afterAll(async () => {
  await tftpd?.stop();
  await t?.close();
  await lab?.destroy();
});

describe('the doctor for TFTP in the lab', () => {
  it('is red while the TFTP helper is off (and a real tftp get from the client times out)', async () => {
    const got = await tftpGet(lab, { file: FILE, timeoutSec: 3 });
    expect(got.ok).toBe(false);
    expect(got.timedOut, got.transcript).toBe(true);
    const d = await waitFor('the request recorded', async () => {
      const x = await diagnosis();
      return checkOf(x, 'live-evidence').status === 'failure' ? x : null;
    });
    expect(d.forwards).toEqual([]);
    expect(d.status).toBe('failure');
    expect(d.tftp.status).toBe('failure');
    expect(tftpForward(d)).toMatchObject({ server: LAB_ADDR.server, port: 69, publicPort: 69, status: 'failure' });
    const kernel = checkOf(d, 'kernel');
    expect(kernel).toMatchObject({ status: 'ok', finding: { code: 'tftp.kernel_ok' } });
    expect(kernel.evidence.map((e: Json) => e.params.module).filter(Boolean)).toEqual([
      'nf_conntrack_tftp',
      'nf_nat_tftp',
    ]);
    expect(codes(kernel)).toContain('tftp.evidence_helper_loads');
    expect(checkOf(d, 'helper-scope')).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.scope_helper_off' },
      fix: { code: 'tftp.fix_enable_helper' },
    });
    const live = checkOf(d, 'live-evidence');
    expect(live).toMatchObject({
      finding: { code: 'tftp.live_without_helper' },
      fix: { code: 'tftp.fix_enable_helper' },
    });
    expect(codes(live)).toContain('evidence.no_expectations');
    expect(
      live.evidence.some(
        (e: Json) => e.code === 'tftp.evidence_request_without_helper' && e.params.client === LAB_ADDR.client,
      ),
    ).toBe(true);
    // The server itself answers the gateway: the probe's read request gets in.tftpd's "file not found".
    const probe = checkOf(d, 'probe');
    expect(probe).toMatchObject({ status: 'ok', finding: { code: 'tftp.probe_ok' } });
    expect(probe.evidence[0]).toMatchObject({ code: 'tftp.evidence_error_reply', params: { code: 1 } });
    expect(probe.evidence[0].params.port).not.toBe(69);
  }, 40_000);

  it('is green once the helper is applied (and the get works)', async () => {
    const r = await api('PUT', '/tftp', { enabled: true });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Saved, not applied: the doctor reads the applied revision and says to apply.
    expect(checkOf(await diagnosis(), 'helper-scope')).toMatchObject({ status: 'failure', fix: { code: 'fix.apply' } });
    await apply();
    const got = await tftpGet(lab, { file: FILE });
    expect(got.ok, got.transcript).toBe(true);
    expect(got.body).toBe(LAB_TFTP_FILES[FILE]);
    const d = await waitFor('the answer linked', async () => {
      const x = await diagnosis();
      return checkOf(x, 'live-evidence').status === 'ok' ? x : null;
    });
    expect(tftpForward(d).checks.map((c: Json) => [c.check, c.status, c.finding.code])).toEqual([
      ['kernel', 'ok', 'tftp.kernel_ok'],
      ['helper-scope', 'ok', 'tftp.scope_ok'],
      ['live-evidence', 'ok', 'tftp.live_ok'],
      ['probe', 'ok', 'tftp.probe_ok'],
    ]);
    expect(d.tftp.status).toBe('ok');
    expect(d.status).toBe('ok');
    const live = checkOf(d, 'live-evidence');
    const expectations = live.evidence.find((e: Json) => e.code === 'evidence.expectations');
    expect(expectations.params.count).toBeGreaterThanOrEqual(1);
    expect(Date.parse(expectations.params.last)).toBeGreaterThan(Date.now() - 60_000);
    expect(
      live.evidence.find((e: Json) => e.code === 'tftp.evidence_answers_linked').params.count,
    ).toBeGreaterThanOrEqual(1);
    expect(live.finding.params.withHelper).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('the probe is red once the TFTP server is stopped (no answer within its deadline)', async () => {
    await tftpd.stop();
    const probe = checkOf(await diagnosis(), 'probe');
    expect(probe).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.probe_no_answer', params: { server: LAB_ADDR.server, port: 69 } },
      fix: { code: 'tftp.fix_start_server' },
    });
    expect(codes(probe)).toContain('evidence.probe_error');
  }, 20_000);
});
