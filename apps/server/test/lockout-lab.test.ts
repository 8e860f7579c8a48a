/**
 * Lockout, for real: the server runs inside a lab gateway and is reached
 * from the WAN-side client (192.0.2.101 -> 192.0.2.2:8080, over eth0), so
 * the ruleset acts on the very connection the requests come through. Each
 * kind is refused (409 lockout naming its object); forced, the refused kinds
 * really cut the panel off (a new connection meets the ssh stand-in or
 * nothing) until the automatic rollback, and the allowed kinds really don't.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, LAB_ADDR, type Lab } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelAnswers as panelAnswersAt, startPanelInGateway } from './gateway-panel.js';
import { waitFor } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const PASSWORD = 'Gatehouse-lockout-lab-Wombat-48';
const PANEL = `http://${LAB_ADDR.gatewayWan}:8080/api/v1`;
const BASE_MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [],
};

let lab: Lab;
let work: string;
let token = '';

/** One request from the WAN-side client, over a new connection (curl). */
async function fromWan(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const args = ['-sS', '-m', '4', '-X', method, '-w', '\n%{http_code}', '-H', `authorization: Bearer ${token}`];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body));
  const r = await lab.exec('client', 'curl', [...args, `${PANEL}${path}`], { reject: false, timeoutMs: 10_000 });
  const i = r.stdout.lastIndexOf('\n');
  const status = Number(r.stdout.slice(i + 1));
  const text = r.stdout.slice(0, i);
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { ok: r.exitCode === 0 && status > 0, status, body: json, err: r.stderr };
}

const panelAnswers = () => panelAnswersAt(lab, PANEL);

async function putConfig(model: unknown) {
  const current = await lab.exec(
    'client',
    'curl',
    ['-sS', '-m', '4', '-D', '-', '-o', '/dev/null', '-H', `authorization: Bearer ${token}`, `${PANEL}/config`],
    { reject: false },
  );
  const tag = /etag: (\S+)/i.exec(current.stdout)?.[1] ?? '';
  const r = await fromWan('PUT', '/config', model, { 'if-match': tag });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function applyModel(model: unknown, extra: Record<string, unknown> = {}) {
  await putConfig(model);
  return fromWan('POST', '/apply', extra);
}

beforeAll(async () => {
  lab = await createLab();
  work = mkdtempSync(join(tmpdir(), 'gatehouse-lockout-lab-'));
  token = await startPanelInGateway(lab, {
    panel: PANEL,
    work,
    password: PASSWORD,
    model: BASE_MODEL,
    tokenName: 'lockout-lab',
    waitingFor: 'the panel from the WAN side',
  });
  // The kernel holds the base model (gateway forward 2222 -> 22).
  const first = await fromWan('POST', '/apply', {});
  expect(first.status, JSON.stringify(first.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await lab?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

const panelForward = {
  id: 'panel-away',
  name: 'panel port to the server ssh',
  publicPorts: '8080',
  target: LAB_ADDR.server,
  targetPort: 22,
};
const panelRedirect = { id: 'panel-redirect', name: 'panel port to gateway ssh', publicPort: 8080, localPort: 22 };

describe('lockout, from the WAN side of a real gateway', () => {
  it('a forward over the panel port is refused, names the forward; forced, it really cuts the panel off until the rollback', async () => {
    const r = await applyModel({ ...BASE_MODEL, forwards: [panelForward] });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error).toBe('lockout');
    expect(r.body.lockout[0].object).toEqual({ kind: 'forward', id: 'panel-away' });
    expect(await panelAnswers()).toBe(true);

    const forced = await fromWan('POST', '/apply', { force: true, confirmWithinSeconds: 5 });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(await panelAnswers()).toBe(false);
    const banner = await lab.exec('client', 'curl', ['-sS', '-m', '3', '--http0.9', `${PANEL}/health`], {
      reject: false,
    });
    expect(banner.stdout).toContain('SSH-2.0-lab-server');
    await waitFor('the automatic rollback', panelAnswers, 20_000, 500);
  }, 60_000);

  it('a gateway forward redirecting the panel port is refused; forced, new connections meet the gateway ssh', async () => {
    const r = await applyModel({ ...BASE_MODEL, gatewayForwards: [...BASE_MODEL.gatewayForwards, panelRedirect] });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.lockout[0].object).toEqual({ kind: 'gateway-forward', id: 'panel-redirect' });
    const forced = await fromWan('POST', '/apply', { force: true, confirmWithinSeconds: 5 });
    expect(forced.status).toBe(200);
    const banner = await lab.exec('client', 'curl', ['-sS', '-m', '3', '--http0.9', `${PANEL}/health`], {
      reject: false,
    });
    expect(banner.stdout).toContain('SSH-2.0-lab-gateway');
    await waitFor('the automatic rollback', panelAnswers, 20_000, 500);
  }, 60_000);

  it('making the operator interface the WAN (with a forward over the panel port) is refused, naming interfaces/wan', async () => {
    // The kernel: WAN is eth1 (the LAN side), so the forward does not act on the operator's eth0.
    const lanAsWan = { ...BASE_MODEL, interfaces: { wan: 'eth1', lan: ['eth0'] }, forwards: [panelForward] };
    const setup = await applyModel(lanAsWan);
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    expect(await panelAnswers()).toBe(true);
    const r = await applyModel({ ...lanAsWan, interfaces: { wan: 'eth0', lan: ['eth1'] } });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.lockout[0].object).toEqual({ kind: 'interfaces', id: 'wan' });
    expect(await panelAnswers()).toBe(true);
  }, 60_000);

  it('allowed kinds really leave the panel reachable: udp, other sources, disabled', async () => {
    const harmless = {
      ...BASE_MODEL,
      forwards: [
        { ...panelForward, id: 'udp-only', protocol: 'udp', targetPort: undefined },
        {
          id: 'others',
          name: 'others only',
          publicPorts: '8000-8100',
          target: LAB_ADDR.server,
          allowedSources: ['203.0.113.0/24'],
        },
      ],
      gatewayForwards: [...BASE_MODEL.gatewayForwards, { ...panelRedirect, enabled: false }],
    };
    const r = await applyModel(harmless);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await panelAnswers()).toBe(true);
  }, 60_000);

  it('?apply=true refused by the lockout check: 409 on body.publicPorts, and the desired state is as before', async () => {
    expect((await applyModel(BASE_MODEL)).status).toBe(200);
    const before = await fromWan('GET', '/config');
    const r = await fromWan('POST', '/forwards?apply=true', { ...panelForward, id: 'again' });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.problems[0].path).toBe('body.publicPorts');
    expect((await fromWan('GET', '/config')).body).toEqual(before.body);
    expect(await panelAnswers()).toBe(true);
  }, 60_000);
});
