/**
 * The forward list as an admin works it daily: order and filter kept in the
 * URL, "1 forward" wording, Escape closes the form, a Japanese name gets a
 * usable id, clone, bulk disable/enable (checked with a real TCP client in
 * the lab's client namespace, both ways), hit counters that survive another
 * apply, and an export/import round trip. The browser sits on the LAN side.
 * The model found at the start is put back (and applied) at the end, also on
 * failure.
 */
import { readFileSync } from 'node:fs';
import { LAB_BANNER, tcpBanner } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import {
  applyModelFromPage,
  csrfToken,
  fetchInPage,
  goTo,
  lab,
  pageOn,
  panelReach,
  signIn,
  snap,
  snapAllStyles,
} from './support.js';

test.describe.configure({ mode: 'serial' });

const ONE = { id: 'e2e-fwd-one', name: 'E2E bulk one', publicPorts: '2031', target: '192.168.1.2', targetPort: 22 };
const TWO = { id: 'e2e-fwd-two', name: 'E2E bulk two', publicPorts: '2032', target: '192.168.1.2', targetPort: 22 };

/** Whether the public client reaches the server's ssh stand-in through `port` on the gateway's WAN address. */
async function reaches(port: number): Promise<boolean> {
  const r = await tcpBanner(lab(), { port, timeoutMs: 2000 });
  return r.ok && r.banner.startsWith(LAB_BANNER.server);
}

/**
 * applyFromUi's steps; the Apply link is found by the start of its name,
 * which now carries a "changes pending" note that goTo's exact match misses.
 */
async function applyFromUi(page: Page, opts: { comment: string }): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: /^Apply/ })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: 'Apply' })).toBeVisible();
  await page.getByLabel('Roll back automatically unless confirmed within').selectOption('30');
  await page.getByLabel('Comment').fill(opts.comment);
  await page.getByRole('button', { name: 'Apply with rollback timer' }).click();
  await expect(page.getByText(/Revision \d+ is confirmed/).first()).toBeVisible({ timeout: 30_000 });
}

/** The row of the forward whose id is exactly `id` (not e2e-fwd-one-copy for e2e-fwd-one). */
const row = (page: Page, id: string) =>
  page.getByRole('row').filter({ has: page.locator('th .mono', { hasText: new RegExp(`^${id}$`) }) });

async function hitsOf(page: Page, id: string): Promise<number> {
  const text = (await row(page, id).locator('.forward-hits').textContent()) ?? '';
  const m = /^([\d,]+) hits? since /.exec(text);
  expect(m, text).not.toBeNull();
  return Number((m?.[1] ?? '').replace(/,/g, ''));
}

/** hitsOf after a reload: the server reads the kernel's counters at most every 2 s. */
async function freshHitsOf(page: Page, id: string): Promise<number> {
  await page.reload();
  return hitsOf(page, id);
}

test('the forward list: sort, filter in the URL, bulk actions on the wire, clone, hits across applies, export and import', async () => {
  test.setTimeout(300_000);
  const lan = await pageOn(panelReach().lan);
  const { page } = lan;
  // A missing element fails its step within seconds instead of at the test's timeout.
  page.setDefaultTimeout(20_000);
  let saved: unknown = null;
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    saved = (await fetchInPage(page, '/api/v1/config')).json;
    for (const f of [ONE, TWO]) {
      const r = await fetchInPage(page, '/api/v1/forwards', {
        method: 'POST',
        headers: { 'x-gatehouse-csrf': await csrfToken(page) },
        body: f,
      });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
    }
    await applyFromUi(page, { comment: 'e2e forwards: two forwards to the ssh stand-in' });
    expect(await reaches(2031)).toBe(true);
    expect(await reaches(2032)).toBe(true);

    await test.step('filter kept in the URL, "1 forward" wording, sort', async () => {
      await goTo(page, 'Port forwards');
      const filter = page.getByLabel('Filter');
      await filter.fill('e2e-fwd');
      await expect(page.getByText('2 forwards', { exact: true })).toBeVisible();
      await filter.fill('e2e-fwd-two');
      await expect(page.getByText('1 forward', { exact: true })).toBeVisible();
      await expect(page).toHaveURL(/[?&]q=e2e-fwd-two/);
      await page.reload();
      await expect(page.getByLabel('Filter')).toHaveValue('e2e-fwd-two');
      await expect(page.getByText('1 forward', { exact: true })).toBeVisible();
      await expect(row(page, ONE.id)).toHaveCount(0);

      await page.getByLabel('Filter').fill('e2e-fwd');
      await page.getByLabel('Sort by').selectOption('ports');
      await page.getByRole('button', { name: 'Descending' }).click();
      await expect(page).toHaveURL(/sort=ports/);
      await expect(page).toHaveURL(/dir=desc/);
      const names = page.locator('tbody th[scope="row"]');
      await expect(names.nth(0)).toContainText(TWO.id);
      await expect(names.nth(1)).toContainText(ONE.id);
      await page.reload();
      await expect(page.getByLabel('Sort by')).toHaveValue('ports');
      await expect(names.nth(0)).toContainText(TWO.id);
      await page.getByRole('button', { name: 'Descending' }).click();
      await expect(names.nth(0)).toContainText(ONE.id);
    });

    await test.step('a Japanese name gets a usable id; Escape closes the form', async () => {
      await page.getByRole('button', { name: 'Add forward' }).click();
      const form = page.getByRole('form', { name: 'New port forward' });
      await expect(form).toBeVisible();
      await form.getByLabel('Name').fill('ウェブ');
      await expect(form.getByLabel('Identifier')).toHaveValue(/^fwd-[a-z0-9]{1,6}$/);
      await form.getByLabel('Identifier').fill('web-ja');
      await expect(form.getByLabel('Identifier')).toHaveValue('web-ja');
      await form.getByLabel('Public ports').press('Escape');
      await expect(form).toHaveCount(0);
      await expect(page.getByRole('button', { name: 'Add forward' })).toBeFocused();
    });

    await test.step('clone: a new unique id and "copy of" its name', async () => {
      await page.getByRole('button', { name: `Clone forward ${ONE.name}` }).click();
      const form = page.getByRole('form', { name: `New forward from “${ONE.name}”` });
      await expect(form.getByLabel('Name')).toHaveValue(`copy of ${ONE.name}`);
      await expect(form.getByLabel('Identifier')).toHaveValue(`${ONE.id}-copy`);
      await expect(form.getByLabel('Target port')).toHaveValue('22');
      await form.getByLabel('Public ports').fill('2033');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect(form).toHaveCount(0);
      await expect(row(page, `${ONE.id}-copy`)).toBeVisible();
      await expect(page.getByText('3 forwards', { exact: true })).toBeVisible();
    });

    await test.step('bulk disable two forwards + apply: the client no longer gets through; enable + apply: it does', async () => {
      await page.getByRole('checkbox', { name: `Select forward ${ONE.name}` }).check();
      await page.getByRole('checkbox', { name: `Select forward ${TWO.name}` }).check();
      const bar = page.getByRole('toolbar', { name: 'Selected forwards' });
      await expect(bar).toContainText('2 forwards selected');
      await snap(page, 'forwards-bulk-bar');
      await bar.getByRole('button', { name: 'Disable' }).click();
      await expect(page.getByText('2 forwards changed. Apply to make it live.')).toBeVisible();
      await expect(page.getByRole('switch', { name: `Enable forward ${ONE.name}` })).not.toBeChecked();
      await expect(page.getByRole('switch', { name: `Enable forward ${TWO.name}` })).not.toBeChecked();
      await applyFromUi(page, { comment: 'e2e forwards: bulk disable' });
      expect(await reaches(2031)).toBe(false);
      expect(await reaches(2032)).toBe(false);

      await goTo(page, 'Port forwards');
      await page.getByRole('checkbox', { name: `Select forward ${ONE.name}` }).check();
      await page.getByRole('checkbox', { name: `Select forward ${TWO.name}` }).check();
      await page.getByRole('toolbar', { name: 'Selected forwards' }).getByRole('button', { name: 'Enable' }).click();
      await expect(page.getByText('2 forwards changed. Apply to make it live.')).toBeVisible();
      await applyFromUi(page, { comment: 'e2e forwards: bulk enable' });
      expect(await reaches(2031)).toBe(true);
      expect(await reaches(2032)).toBe(true);
    });

    await test.step('the hit counter grows with a real connection and survives another apply', async () => {
      await goTo(page, 'Port forwards');
      const before = await hitsOf(page, ONE.id);
      expect(await reaches(2031)).toBe(true);
      await expect.poll(() => freshHitsOf(page, ONE.id)).toBeGreaterThan(before);
      const counted = await hitsOf(page, ONE.id);
      await expect(row(page, ONE.id).locator('.forward-hits')).toContainText(/since \d+ \w+/);

      // Another whole apply (it replaces the table, whose counters start again from zero).
      await page.getByRole('checkbox', { name: `Select forward copy of ${ONE.name}` }).check();
      await page.getByRole('toolbar', { name: 'Selected forwards' }).getByRole('button', { name: 'Disable' }).click();
      await expect(page.getByText('1 forward changed. Apply to make it live.')).toBeVisible();
      await applyFromUi(page, { comment: 'e2e forwards: another apply' });
      await goTo(page, 'Port forwards');
      expect(await hitsOf(page, ONE.id)).toBeGreaterThanOrEqual(counted);
      expect(await reaches(2031)).toBe(true);
      await expect.poll(() => freshHitsOf(page, ONE.id)).toBeGreaterThan(counted);
    });

    await test.step('export, delete, import (merge by id): the forwards are back', async () => {
      const download = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export JSON' }).click();
      const file = await (await download).path();
      const exported = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string }>;
      expect(exported.map((f) => f.id)).toEqual(expect.arrayContaining([ONE.id, TWO.id, `${ONE.id}-copy`]));

      await page.getByRole('checkbox', { name: `Select forward copy of ${ONE.name}` }).check();
      await page.getByRole('checkbox', { name: `Select forward ${TWO.name}` }).check();
      const bar = page.getByRole('toolbar', { name: 'Selected forwards' });
      await bar.getByRole('button', { name: 'Delete' }).click();
      await bar.getByRole('button', { name: 'Delete' }).click();
      await expect(row(page, TWO.id)).toHaveCount(0);
      await expect(row(page, `${ONE.id}-copy`)).toHaveCount(0);

      await page.getByRole('button', { name: 'Import JSON' }).click();
      const form = page.getByRole('form', { name: 'Import forwards' });
      await form.getByLabel('Exported JSON file').setInputFiles(file);
      await expect(form.getByRole('radio', { name: /^Merge by id/ })).toBeChecked();
      await form.getByRole('button', { name: 'Import' }).click();
      await expect(page.getByText(/^Imported: 2 added, \d+ replaced, 0 removed\./)).toBeVisible();
      await expect(row(page, TWO.id)).toBeVisible();
      await expect(row(page, `${ONE.id}-copy`)).toBeVisible();

      // A bad file is refused with the entry's path named, and changes nothing.
      await page.getByRole('button', { name: 'Import JSON' }).click();
      await form.getByLabel('Exported JSON file').setInputFiles({
        name: 'bad.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify([{ id: 'ウェブ', name: 'x', publicPorts: '99999', target: '192.168.1.2' }])),
      });
      await form.getByRole('radio', { name: /^Replace/ }).check();
      await form.getByRole('button', { name: 'Import' }).click();
      await expect(form.getByRole('alert')).toContainText('body.forwards.0.id');
      await snap(page, 'forwards-import-refused');
      await form.getByLabel('Exported JSON file').press('Escape');
      await expect(form).toHaveCount(0);
      await expect(row(page, TWO.id)).toBeVisible();
    });

    await snapAllStyles(page, 'forwards', { en: 'Port forwards', ja: 'ポートフォワード' }, (p) =>
      p.locator('.forward-hits').first(),
    );
  } finally {
    if (saved) await applyModelFromPage(page, saved);
    await lan.close();
  }
});
