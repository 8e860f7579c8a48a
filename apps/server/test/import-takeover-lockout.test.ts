/**
 * The lockout check sees a takeover, for real: the server runs inside a lab
 * gateway whose only ruleset is a foreign `table ip old_nat` redirecting
 * public 8443 to the panel's 8080, and the operator comes in from the WAN
 * client through that redirect (192.0.2.101 -> 192.0.2.2:8443). Retiring
 * old_nat with a model that does not carry 8443 is refused (409 lockout
 * naming the table); the same model without retiring is allowed (old_nat
 * still carries it); and the imported model, which does carry it, takes
 * over with a new connection through 8443 still reaching the panel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab, LAB_ADDR, type Lab } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { panelAnswers as panelAnswersAt, startPanelInGateway } from './gateway-panel.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

const PASSWORD = 'Gatehouse-takeover-lockout-Ibex-39';
/** The panel through the old table's redirect. */
const PANEL = `http://${LAB_ADDR.gatewayWan}:8443/api/v1`;
const OLD_NAT = `table ip old_nat {
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    iifname "eth0" tcp dport 8443 redirect to :8080
    iifname "eth0" tcp dport 21 dnat ip to 192.168.1.2
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    oifname "eth1" masquerade
  }
}
`;

let lab: Lab;
let work: string;
let token = '';

/** One request from the WAN-side client through 8443, over a new connection (curl). */
async function fromWan(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const args = ['-sS', '-m', '6', '-X', method, '-D', '-', '-H', `authorization: Bearer ${token}`];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  if (body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body));
  const r = await lab.exec('client', 'curl', [...args, `${PANEL}${path}`], { reject: false, timeoutMs: 12_000 });
  const [head = '', text = ''] = r.stdout.split(/\r?\n\r?\n/, 2);
  const status = Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1] ?? 0);
  const etag = /^etag: (\S+)/im.exec(head)?.[1] ?? '';
  let json: Json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status, body: json, etag };
}

const panelAnswers = () => panelAnswersAt(lab, PANEL);

async function adopt(retire: Array<{ family: string; name: string }>, edit?: (m: Json) => Json) {
  const p = await fromWan('GET', '/import/proposal');
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  const model = edit ? edit(structuredClone(p.body.model)) : undefined;
  const r = await fromWan('POST', '/import/adopt', { retire, ...(model ? { model } : {}) }, { 'if-match': p.etag });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return p.body;
}

const tables = async () => (await lab.exec('gateway', 'nft', ['list', 'tables'])).stdout;

beforeAll(async () => {
  lab = await createLab({ ftpPorts: [21] });
  await lab.exec('gateway', 'nft', ['-f', '-'], { input: OLD_NAT });
  work = mkdtempSync(join(tmpdir(), 'gatehouse-takeover-lockout-'));
  token = await startPanelInGateway(lab, {
    panel: PANEL,
    work,
    password: PASSWORD,
    model: { interfaces: { wan: 'eth0', lan: ['eth1'] } },
    tokenName: 'takeover-lockout',
    waitingFor: 'the panel through the old table',
  });
}, 60_000);

afterAll(async () => {
  await lab?.destroy();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the lockout check over a takeover, from the WAN side of a real gateway', () => {
  it('refuses to retire the table whose redirect carries the operator when the new model drops that way in', async () => {
    const proposal = await adopt([{ family: 'ip', name: 'old_nat' }], (m) => ({ ...m, gatewayForwards: [] }));
    expect(proposal.model.gatewayForwards).toMatchObject([{ publicPort: 8443, localPort: 8080 }]);
    const r = await fromWan('POST', '/apply', { confirmWithinSeconds: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error).toBe('lockout');
    expect(r.body.lockout[0].reason).toMatch(/^table ip old_nat, retired by this apply: /);
    expect(await tables()).toContain('table ip old_nat'); // nothing loaded
    expect(await panelAnswers()).toBe(true);
  }, 60_000);

  it('allows the same model without retiring: the old table still carries the way in', async () => {
    await adopt([], (m) => ({ ...m, gatewayForwards: [] }));
    const r = await fromWan('POST', '/apply', {});
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await tables()).toContain('table ip old_nat');
    expect(await panelAnswers()).toBe(true);
  }, 60_000);

  it('takes over with the imported model, which carries 8443: a new connection still reaches the panel', async () => {
    await adopt([{ family: 'ip', name: 'old_nat' }]);
    const r = await fromWan('POST', '/apply', { confirmWithinSeconds: 30 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(await tables()).not.toContain('old_nat');
    expect(await panelAnswers()).toBe(true);
    const confirmed = await fromWan('POST', '/apply/confirm', { reconnect: true });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
  }, 60_000);
});
