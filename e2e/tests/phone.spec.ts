/**
 * On a phone (390x844): Forwards, History, Audit and Connections show each
 * row as stacked, labelled values; the row's action is on screen and works;
 * an armed inline confirmation stays inside its cell and the screen.
 *
 * Leaves the desired state as it found it: it applies it (twice, so History
 * has a revision to roll back to) and arms actions only to cancel them.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { fetchInPage, openLongConnection, signIn, snap } from './support.js';

// The page's globals these checks use (the e2e tsconfig has no DOM library).
declare function getComputedStyle(el: unknown, pseudo?: string): { content: string };
declare const document: { documentElement: { scrollWidth: number } };

const PHONE = { width: 390, height: 844 };
test.use({ viewport: PHONE });
test.describe.configure({ mode: 'serial' });

/** The phone menu is closed after each navigation: open it, then follow the link. */
async function openPage(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  if (!(await nav.isVisible())) await page.getByRole('button', { name: 'Menu' }).click();
  await nav.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

/**
 * The row's cell holding `value`, drawn with its column's name before it (the
 * cell's ::before, which is also part of the cell's accessible name).
 */
async function expectLabelled(row: Locator, label: string, value: string | RegExp): Promise<Locator> {
  const name = typeof value === 'string' ? `${label} ${value}` : new RegExp(`^${label} ${value.source}`);
  const cell = row.getByRole('cell', { name, exact: true }).first();
  await expect(cell).toHaveAttribute('data-label', label);
  const before = await cell.evaluate((el) => getComputedStyle(el, '::before').content);
  expect(before).toBe(JSON.stringify(label));
  return cell;
}

/** Inside the screen's width, and inside `outer` when given (a cell, a card). */
async function expectFits(inner: Locator, outer?: Locator): Promise<void> {
  const box = await inner.boundingBox();
  expect(box).not.toBeNull();
  if (!box) return;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
  if (!outer) return;
  const o = await outer.boundingBox();
  expect(o).not.toBeNull();
  if (!o) return;
  expect(box.x).toBeGreaterThanOrEqual(o.x - 0.5);
  expect(box.x + box.width).toBeLessThanOrEqual(o.x + o.width + 0.5);
  expect(box.y).toBeGreaterThanOrEqual(o.y - 0.5);
  expect(box.y + box.height).toBeLessThanOrEqual(o.y + o.height + 0.5);
}

async function noSideScroll(page: Page): Promise<void> {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(PHONE.width);
}

/** Applies the desired state as it is (the gateway's rules become what the model already says). */
async function applyAsIs(page: Page, comment: string): Promise<void> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  const { csrfToken } = me.json as { csrfToken: string };
  const r = await fetchInPage(page, '/api/v1/apply', {
    method: 'POST',
    headers: { 'x-gatehouse-csrf': csrfToken },
    body: { comment },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

test.beforeEach(async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
});

test('Forwards: each forward is a card of labelled values; Delete arms a confirmation that fits its cell', async ({
  page,
}) => {
  await openPage(page, 'Port forwards');
  const table = page.getByRole('table', { name: 'Port forwards' });
  const row = table.getByRole('row').filter({ hasText: 'ssh to the server' });
  const protocolCell = await expectLabelled(row, 'Protocol', 'TCP');
  const portsCell = await expectLabelled(row, 'Public ports', '2022');
  // The card is one column: the public ports sit under the protocol, not beside it.
  const protocol = await protocolCell.boundingBox();
  const ports = await portsCell.boundingBox();
  expect(ports?.y).toBeGreaterThan((protocol?.y ?? 0) + (protocol?.height ?? 0) - 1);
  await noSideScroll(page);

  const del = row.getByRole('button', { name: 'Delete forward ssh to the server' });
  await expect(del).toBeInViewport();
  await expectFits(del);
  await del.click();
  const confirm = row.locator('.confirm-inline');
  await expect(confirm).toContainText('ssh to the server');
  await expectFits(confirm, confirm.locator('xpath=ancestor::td[1]'));
  await noSideScroll(page);
  await snap(page, 'phone-forwards-armed');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(del).toBeVisible();
  await expect(row).toBeVisible();
});

test('History: revisions are cards; Roll back is on screen and opens its confirmation within the screen', async ({
  page,
}) => {
  // Two applies of the same desired state: the older revision can be rolled back to.
  await applyAsIs(page, 'phone spec: first');
  await applyAsIs(page, 'phone spec: second');
  await openPage(page, 'History');
  const table = page.getByRole('table', { name: 'Revisions' });
  const row = table.getByRole('row').filter({ hasText: 'phone spec: first' });
  await expectLabelled(row, 'Comment', 'phone spec: first');
  await expectLabelled(row, 'Author', 'admin');
  await noSideScroll(page);

  const rollback = row.getByRole('button', { name: /^Roll back to revision \d+$/ });
  await rollback.scrollIntoViewIfNeeded();
  await expect(rollback).toBeInViewport();
  await expectFits(rollback);
  await rollback.click();
  // The rollback form opens under the card, full width, with its confirmation on screen.
  const form = table.getByRole('form', { name: /^Roll back to revision \d+$/ });
  const yes = form.getByRole('button', { name: /^Yes, roll back to \d+$/ });
  await yes.scrollIntoViewIfNeeded();
  await expect(yes).toBeInViewport();
  await expectFits(form);
  await expectFits(yes, form);
  await noSideScroll(page);
  await snap(page, 'phone-history-armed');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(form).toBeHidden();
  await expect(rollback).toBeVisible();
});

test('Audit: entries are cards of labelled values', async ({ page }) => {
  await openPage(page, 'Access');
  const table = page.getByRole('table', { name: 'Audit log' });
  const login = table.getByRole('row').filter({ hasText: 'login' }).first();
  await expectLabelled(login, 'Action', 'login');
  await expectLabelled(login, 'Object', 'user:admin');
  await noSideScroll(page);
});

test('Connections: a flow stacks in its fixed-height row with labelled values inside it; Kill arms a confirmation that fits', async ({
  page,
}) => {
  // The forward to the lab's ssh-like server is live once applied; a connection through it is a flow to look at.
  await applyAsIs(page, 'phone spec: connections');
  const conn = openLongConnection(2022);
  try {
    await expect.poll(() => conn.output(), { timeout: 15_000 }).toContain('SSH-2.0-lab-server');
    await openPage(page, 'Connections');
    await page.getByLabel('Port').fill('2022');
    const table = page.getByRole('table', { name: 'Connection tracking table' });
    const row = table.getByRole('row').filter({ hasText: ':2022' }).first();
    await expect(row).toBeVisible();
    await expectLabelled(row, 'Packets', /\d.*/);
    await expectLabelled(row, 'Expires in', /\S.*/);
    // Stacked: a row several lines tall (the virtualizer's fixed phone height), every cell inside it and the screen.
    // (Retried: a live update may redraw the row between two measurements.)
    await expect(async () => {
      const box = await row.boundingBox();
      expect(box?.height ?? 0).toBeGreaterThan(70);
      await expectFits(row);
      for (const cell of await row.getByRole('cell').all()) await expectFits(cell, row);
    }).toPass({ timeout: 15_000 });
    await noSideScroll(page);
    // The rows mounted stay a window, not the list.
    expect(await table.locator('tbody tr').count()).toBeLessThan(100);

    const kill = row.getByRole('button', { name: /^Kill connection / });
    await expect(kill).toBeInViewport();
    // Retried like the row above: a live update may redraw the row between two measurements.
    await expect(async () => expectFits(kill, row)).toPass({ timeout: 15_000 });
    await kill.click();
    const confirm = row.locator('.confirm-inline');
    await expect(confirm.getByRole('button', { name: 'Kill', exact: true })).toBeFocused();
    await expectFits(confirm, row);
    await snap(page, 'phone-connections-armed');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(kill).toBeVisible();
    expect(conn.closed()).toBe(false);
  } finally {
    conn.stop();
  }
});
