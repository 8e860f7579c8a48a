/**
 * The FTP doctor turns from red to green as the admin fixes the setup in
 * the UI: an FTP forward applied without the helper (a real passive transfer
 * fails, the doctor names the helper and says how to fix it), the helper
 * turned on in the Helpers page and applied (the transfer works, every check is
 * OK). The model found at the start is put back (and applied) at the end,
 * also on failure.
 */
import { ftpFetch, LAB_ADDR, LAB_FILES } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { applyFromUi, fetchInPage, goTo, lab, pageOn, panelReach, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

const FORWARD = { id: 'ftp-doctor', name: 'FTP for the doctor', publicPorts: '21', target: LAB_ADDR.server };

async function csrf(page: Page): Promise<string> {
  return ((await fetchInPage(page, '/api/v1/auth/me')).json as { csrfToken: string }).csrfToken;
}

/**
 * Replaces the desired model and applies it (through the API, from the page).
 * GET /status runs eight commands in the gateway's namespace: on a box
 * shared by many test runs it has been seen to take longer than
 * fetchInPage's 10 s, so it is asked up to three times.
 */
async function putApplied(page: Page, model: unknown): Promise<void> {
  let status: Awaited<ReturnType<typeof fetchInPage>> | null = null;
  for (let attempt = 1; status === null; attempt++) {
    status = await fetchInPage(page, '/api/v1/status').catch((err: unknown) => {
      if (attempt >= 3) throw err;
      return null;
    });
  }
  const version = (status.json as { desiredVersion: number }).desiredVersion;
  const r = await fetchInPage(page, '/api/v1/config?apply=true', {
    method: 'PUT',
    headers: { 'x-gatehouse-csrf': await csrf(page), 'if-match': `"v${version}"` },
    body: model,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

type Model = {
  forwards: Array<{ id: string; publicPorts: string; enabled?: boolean }>;
  ftp: Record<string, unknown>;
} & Record<string, unknown>;

test('the FTP doctor turns from red to green as the admin turns the helper on', async () => {
  test.setTimeout(180_000);
  const lan = await pageOn(panelReach().lan);
  const { page } = lan;
  let original: Model | null = null;
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    original = (await fetchInPage(page, '/api/v1/config')).json as Model;
    // The broken setup: an FTP forward on 21, the helper off.
    const others = original.forwards.filter((f) => f.id !== FORWARD.id && !/(^|,)21($|,|-)/.test(f.publicPorts));
    await putApplied(page, {
      ...original,
      forwards: [...others, FORWARD],
      ftp: { ...original.ftp, enabled: false, passiveOnly: false, controlPorts: [21], servers: [] },
    });
    const before = await ftpFetch(lab(), { mode: 'passive', path: 'hello.txt', timeoutSec: 4 });
    expect(before.transcript).toMatch(/230 /);
    expect(before.ok).toBe(false);

    // Red: the doctor names the helper and says how to fix it.
    await goTo(page, 'Helper doctor');
    const card = page.getByRole('article', { name: /FTP for the doctor: public port 21 → 192\.168\.1\.2:21/ });
    await expect(card.getByRole('heading', { level: 2 })).toContainText('Failure');
    const scope = card.locator('[data-check="helper-scope"]');
    await expect(scope).toContainText('Failure');
    await expect(scope).toContainText(/The FTP helper is off in the applied revision \d+\./);
    await expect(scope).toContainText('Fix: Turn the FTP helper on (the Helpers page) and apply.');
    await expect(card.locator('[data-check="live-evidence"]')).toContainText(
      `Control connection from ${LAB_ADDR.client}`,
    );
    await expect(card.locator('[data-check="probe"]')).toContainText(
      `its PASV reply names its own address ${LAB_ADDR.server}`,
    );
    await snap(page, 'ftp-doctor-red');

    // The fix, in the UI: the helper on, saved, applied.
    await page.goto('/ftp');
    const helper = page.getByRole('switch', { name: 'FTP helper', exact: true });
    await helper.check();
    await page.locator('form').filter({ has: helper }).getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText('Saved to the desired state. Apply to make it live.')).toBeVisible();
    await applyFromUi(page, { comment: 'FTP helper on (doctor)' });
    const after = await ftpFetch(lab(), { mode: 'passive', path: 'hello.txt', timeoutSec: 4 });
    expect(after.ok, after.transcript).toBe(true);
    expect(after.body).toBe(LAB_FILES['hello.txt']);

    // Green: every check of the forward OK.
    await goTo(page, 'Helper doctor');
    await page.getByRole('button', { name: 'Check again' }).click();
    await expect(card.getByRole('heading', { level: 2 })).toContainText('OK', { timeout: 20_000 });
    for (const check of ['kernel', 'helper-scope', 'live-evidence', 'passive-only', 'probe', 'heuristics']) {
      await expect(card.locator(`[data-check="${check}"]`).locator('.tag')).toHaveText('OK');
    }
    await expect(card.locator('[data-check="helper-scope"]')).toContainText(
      `assigns the helper to ${LAB_ADDR.server} port 21`,
    );
    await expect(card.locator('[data-check="live-evidence"]')).toContainText(/\d+ expectations created/);
    await expect(card).not.toContainText('Fix:');
    await snap(page, 'ftp-doctor-green');

    // The same checklist in Japanese: said by code, not the server's English.
    await page.getByLabel('Language').selectOption('ja');
    await expect(page.getByRole('heading', { level: 1, name: 'ヘルパー診断' })).toBeVisible();
    const cardJa = page.getByRole('article', { name: /FTP for the doctor: 公開ポート 21/ });
    await expect(cardJa.locator('[data-check="helper-scope"]')).toContainText(
      /適用中のリビジョン \d+ はヘルパーを 192\.168\.1\.2 のポート 21 に割り当てています。/,
    );
    await expect(cardJa.locator('[data-check="kernel"] .tag')).toHaveText('正常');
    await expect(cardJa).not.toContainText('The kernel has');
    await snap(page, 'ja-ftp-doctor');
    await page.getByLabel('言語').selectOption('en');
    await expect(page.getByRole('heading', { level: 1, name: 'Helper doctor' })).toBeVisible();
  } finally {
    try {
      if (original) await putApplied(page, original);
    } finally {
      await lan.close();
    }
  }
});
