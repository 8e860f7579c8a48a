/**
 * The panel over HTTPS with the certificate the server generates on first
 * start (self-signed, so the browser is told to accept it): it renders, an
 * admin signs in, adds a port forward and applies it, and the forward works
 * for real traffic (and did not before). HSTS and upgrade-insecure-requests
 * are sent here, over TLS only (lan-http.spec.ts checks their absence over
 * HTTP). This spec starts a lab of its own, so its applies do not touch the
 * story's gateway; its browser sits on that lab's LAN.
 */

import { type LabPanel, startLabPanel } from '@gatehouse/demo';
import { LAB_ADDR, LAB_BANNER, tcpBanner } from '@gatehouse/lab';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, E2E_INITIAL_MODEL } from './model.js';
import { applyFromUi, goTo, pageOn, signIn, snap, watchPageLoads } from './support.js';

test.describe.configure({ mode: 'serial' });

let panel: LabPanel | undefined;
test.beforeAll(async () => {
  panel = await startLabPanel({
    adminPassword: E2E_ADMIN_PASSWORD,
    initialModel: { ...E2E_INITIAL_MODEL, forwards: [] },
    listenOn: 'all',
    tls: true,
    serverOutput: process.env.GATEHOUSE_E2E_SERVER_LOG ? 'inherit' : 'ignore',
  });
});
test.afterAll(async () => {
  await panel?.stop();
});

test('over HTTPS (self-signed) the admin signs in, adds and applies a forward, and it carries traffic', async () => {
  const p = panel as LabPanel;
  const lan = p.reach;
  if (!lan) throw new Error('no LAN address');
  expect(lan.lan.base).toBe('https://192.168.1.1:8080');
  const side = await pageOn(lan.lan, { ignoreHTTPSErrors: true });
  try {
    const { page } = side;
    const { failed, assets } = watchPageLoads(page);

    const response = await page.goto('/');
    expect(response?.status()).toBe(200);
    expect(page.url()).toMatch(/^https:\/\/192\.168\.1\.1:8080\//);
    const headers = response?.headers() ?? {};
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['content-security-policy']).toContain('upgrade-insecure-requests');

    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    await snap(page, 'https-dashboard');

    // Before: nothing forwards public port 2022 to the server's ssh stand-in.
    const before = await tcpBanner(p.lab, { port: 2022, timeoutMs: 2000 });
    expect(before.ok).toBe(false);

    await goTo(page, 'Port forwards');
    await page.getByRole('button', { name: 'Add forward' }).click();
    const form = page.getByRole('form', { name: 'New port forward' });
    await form.getByLabel('Name').fill('ssh to the server');
    await form.getByLabel('Identifier').fill('ssh-server');
    await form.getByLabel('Public ports').fill('2022');
    await form.getByLabel('Target server').fill(LAB_ADDR.server);
    await form.getByLabel('Target port').fill('22');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(
      page.getByRole('table', { name: 'Port forwards' }).getByRole('row').filter({ hasText: 'ssh to the server' }),
    ).toBeVisible();
    await applyFromUi(page, { comment: 'ssh forward over HTTPS' });

    // After: the public client reaches the server through the forward.
    const after = await tcpBanner(p.lab, { port: 2022 });
    expect(after.banner).toBe(LAB_BANNER.server);
    expect(assets.some((a) => a.startsWith('script 200 https://192.168.1.1:8080/'))).toBe(true);
    expect(assets.some((a) => a.startsWith('stylesheet 200 https://192.168.1.1:8080/'))).toBe(true);
    expect(failed).toEqual([]);
  } finally {
    await side.close();
  }
});
