/**
 * Taking over a hand-written gateway from the browser (issue #14): the
 * brief's `table ip my_nat` is loaded into the lab gateway next to
 * Gatehouse's table; the Import page shows its summary, the notes and the
 * equivalence report; the admin adopts it retiring my_nat, applies with
 * confirmation from the Apply page, and the old table is gone while a real
 * FTP client and a plain TCP client through the gateway still work.
 *
 * It puts back the model it found (applied) and removes my_nat if it is
 * still there, also on failure.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ftpFetch, LAB_BANNER, tcpBanner } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { applyFromUi, fetchInPage, goTo, lab, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

const BRIEF_FINAL = join(import.meta.dirname, '..', '..', 'packages', 'rules', 'test', 'fixtures', 'brief-final.nft');

const tables = async () => (await lab().exec('gateway', 'nft', ['list', 'tables'])).stdout;

/** The page's CSRF token, for API calls made from the page. */
async function csrf(page: Page): Promise<Record<string, string>> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  return { 'x-gatehouse-csrf': (me.json as { csrfToken: string }).csrfToken };
}

let original: unknown;

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    original = (await fetchInPage(page, '/api/v1/config')).json;
  } finally {
    await page.close();
  }
  await lab().exec('gateway', 'nft', ['-f', '-'], { input: await readFile(BRIEF_FINAL, 'utf8') });
});

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    const headers = await csrf(page);
    await fetchInPage(page, '/api/v1/import/takeover', { method: 'DELETE', headers });
    if (original !== undefined) {
      const r = await page.evaluate(
        async ({ body, headers }) => {
          const etag = (await fetch('/api/v1/config')).headers.get('etag') ?? '';
          const put = await fetch('/api/v1/config?apply=true', {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'if-match': etag, ...headers },
            body: JSON.stringify(body),
          });
          return { status: put.status, text: await put.text() };
        },
        { body: original, headers },
      );
      expect(r.status, r.text).toBe(200);
    }
  } finally {
    await page.close();
    if ((await tables()).includes('table ip my_nat'))
      await lab().exec('gateway', 'nft', ['delete', 'table', 'ip', 'my_nat']);
  }
});

test('Import: the proposal, its notes and equivalence; adopted retiring my_nat and applied, a real client still works', async ({
  page,
}) => {
  expect(await tables()).toContain('table ip my_nat');
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Import');

  await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible();
  await expect(page.getByText('1 port forward, 1 gateway forward')).toBeVisible();
  await expect(page.getByText('FTP helper on port 21', { exact: true })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Needs a decision/ })).toBeVisible();
  await expect(page.getByRole('region', { name: /^Carried over/ })).toBeVisible();
  const report = page.getByRole('table', { name: 'Equivalence report' });
  await expect(report.getByRole('rowheader', { name: 'tcp 21' })).toBeVisible();
  await snap(page, 'import');

  // Adopt, retiring the old table (the warning says what that means).
  await expect(page.getByText(/Retiring a table deletes it in the same transaction as the next apply/)).toBeVisible();
  await page.getByRole('checkbox', { name: /table ip my_nat/ }).check();
  await page.getByRole('button', { name: 'Adopt the proposal' }).click();
  await expect(page.getByText('The apply will also retire: ip my_nat.')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Takeover pending' })).toBeVisible();
  expect(await tables()).toContain('table ip my_nat'); // adopting applies nothing

  // The usual apply with confirmation, from the Apply page.
  await applyFromUi(page, { comment: 'take over my_nat' });
  const after = await tables();
  expect(after).not.toContain('my_nat');
  expect(after).toContain('table ip gatehouse');

  // Real clients through the gateway: passive FTP on 21 and the gateway's way back in on 2222.
  const ftp = await ftpFetch(lab(), { mode: 'passive', path: 'hello.txt', timeoutSec: 6 });
  expect(ftp.ok, ftp.transcript).toBe(true);
  const ssh = await tcpBanner(lab(), { port: 2222 });
  expect(ssh.banner).toBe(LAB_BANNER.gateway);
});
