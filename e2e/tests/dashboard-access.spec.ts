/**
 * Issue #12, dashboard and access, in the real lab: the conntrack chart has
 * axes and a time scale and a reload starts it with the server's history;
 * the audit log filters and downloads CSV, and a viewer sees failed logins
 * without their address; an admin creates a user and resets their password,
 * that user changes their own; a token with an expiry is shown with it, is
 * revoked, then removed. Everything created here is deleted at the end,
 * also on failure; the admin's password is never changed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { fetchInPage, goTo, SCREENSHOTS, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

const USER = 'e2e-dana';
const VIEWER = 'e2e-audit-viewer';
const FIRST_PASSWORD = 'Quiet-harbor-lantern-58';
const RESET_PASSWORD = 'Copper-meadow-violin-29';
const OWN_PASSWORD = 'Saffron-glacier-pocket-73';
const TOKEN = 'e2e-expiring';

/** The CSRF header of the page's session, for API calls made from the page. */
async function csrf(page: Page): Promise<Record<string, string>> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  return { 'x-gatehouse-csrf': (me.json as { csrfToken: string }).csrfToken };
}

/** Deletes what this spec may have created, whatever state a failure left. */
async function cleanUp(page: Page): Promise<void> {
  const headers = await csrf(page);
  const users = (await fetchInPage(page, '/api/v1/users')).json as { items: Array<{ id: number; username: string }> };
  for (const u of users.items.filter((x) => x.username === USER || x.username === VIEWER)) {
    await fetchInPage(page, `/api/v1/users/${u.id}`, { method: 'DELETE', headers });
  }
  const tokens = (await fetchInPage(page, '/api/v1/tokens')).json as {
    items: Array<{ id: number; name: string; status: string }>;
  };
  for (const tk of tokens.items.filter((x) => x.name === TOKEN)) {
    if (tk.status === 'active') await fetchInPage(page, `/api/v1/tokens/${tk.id}`, { method: 'DELETE', headers });
    await fetchInPage(page, `/api/v1/tokens/${tk.id}?purge=true`, { method: 'DELETE', headers });
  }
}

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    await cleanUp(page);
  } finally {
    await page.close();
  }
});

test('the conntrack chart has axes, a time scale and a legend, and a reload starts with the server history', async ({
  page,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  // The server samples every 5 s from its start: wait for a few samples.
  await expect
    .poll(
      async () => ((await fetchInPage(page, '/api/v1/status/history')).json as { samples: unknown[] }).samples.length,
      {
        timeout: 30_000,
      },
    )
    .toBeGreaterThanOrEqual(3);

  await page.reload();
  const card = page.getByRole('article', { name: 'Flows and expectations over time' });
  const chart = card.getByRole('figure');
  // Without the history a fresh page has one sample (the status poll comes every 10 s) and shows "Collecting…".
  await expect(chart).toBeVisible({ timeout: 5_000 });
  await expect(card.getByText('Collecting samples')).toHaveCount(0);
  expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(3);
  // Three axes: time, flows (left), expectations (right).
  await expect(chart.locator('.u-axis')).toHaveCount(3);
  const legend = chart.locator('.u-legend');
  await expect(legend).toContainText('Time');
  await expect(legend).toContainText('Flows');
  await expect(legend).toContainText('Expectations');
  // Hovering shows the time under the cursor: the x scale is time.
  const box = await chart.locator('.u-over').boundingBox();
  if (!box) throw new Error('the chart has no plot area');
  await page.mouse.move(box.x + box.width * 0.9, box.y + box.height / 2);
  await expect(legend.locator('tr').first()).toContainText(/\d{1,2}:\d{2}/);
  await snap(page, 'dashboard-access-dashboard');
});

test('the audit log filters, exports CSV, and a viewer sees failed logins without the address', async ({
  page,
  browser,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const headers = await csrf(page);
  const created = await fetchInPage(page, '/api/v1/users', {
    method: 'POST',
    headers,
    body: { username: VIEWER, password: FIRST_PASSWORD, role: 'viewer' },
  });
  expect(created.status).toBe(201);
  // A failed login from this browser (192.168.1.2 on the LAN side).
  const failed = await fetchInPage(page, '/api/v1/auth/login', {
    method: 'POST',
    body: { username: VIEWER, password: 'wrong-password-here' },
  });
  expect(failed.status).toBe(401);

  await goTo(page, 'Access');
  const filters = page.getByRole('form', { name: 'Filter the audit log' });
  await filters.getByLabel('Action').fill('login.failed');
  await filters.getByLabel('Object').fill(`user:${VIEWER}`);
  await filters.getByRole('button', { name: 'Filter' }).click();
  const log = page.getByRole('table', { name: 'Audit log' });
  await expect(log.getByRole('row')).toHaveCount(2);
  await expect(log.getByRole('row').nth(1)).toContainText('login.failed');
  await expect(log.getByRole('row').nth(1)).toContainText('192.168.1.2');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    filters.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^gatehouse-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path()) as string, 'utf8').split('\r\n');
  expect(csv[0]).toBe('id,at,actor,action,target,detail');
  expect(csv.filter(Boolean)).toHaveLength(2);
  expect(csv[1]).toContain(`,login.failed,user:${VIEWER},`);
  expect(csv[1]).toContain('192.168.1.2');
  await snap(page, 'dashboard-access-audit');

  const context = await browser.newContext();
  const viewer = await context.newPage();
  try {
    await signIn(viewer, VIEWER, FIRST_PASSWORD);
    await goTo(viewer, 'Access');
    const vFilters = viewer.getByRole('form', { name: 'Filter the audit log' });
    await vFilters.getByLabel('Action').fill('login.failed');
    await vFilters.getByLabel('Object').fill(`user:${VIEWER}`);
    await vFilters.getByRole('button', { name: 'Filter' }).click();
    const vLog = viewer.getByRole('table', { name: 'Audit log' });
    await expect(vLog.getByRole('row')).toHaveCount(2);
    await expect(vLog.getByRole('row').nth(1)).toContainText('login.failed');
    await expect(vLog).not.toContainText('192.168.1.2');
    const vCsv = await fetchInPage(viewer, `/api/v1/audit.csv?action=login.failed&target=user:${VIEWER}`);
    expect(String(vCsv.json)).toContain('login.failed');
    expect(String(vCsv.json)).not.toContain('192.168.1.2');
  } finally {
    await context.close();
  }
});

test('an admin adds a user and resets their password; the user signs in and changes their own', async ({
  page,
  browser,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Access');
  const add = page.getByRole('form', { name: 'Add user' });
  // A short password: the error says what is wrong, the hint stays as it was, and the fields stay level.
  await add.getByLabel('Username').fill(USER);
  await add.getByLabel('Password').fill('short');
  await add.getByRole('button', { name: 'Add user' }).click();
  await expect(add.getByText('Too short: use at least 12 characters.')).toBeVisible();
  await expect(add.getByText('At least 12 characters, hard to guess')).toHaveCount(1);
  const usernameBox = await add.getByLabel('Username').boundingBox();
  const passwordBox = await add.getByLabel('Password').boundingBox();
  expect(Math.abs((usernameBox?.y ?? 0) - (passwordBox?.y ?? 1))).toBeLessThan(1);
  await snap(page, 'dashboard-access-add-user-error');

  await add.getByLabel('Password').fill(FIRST_PASSWORD);
  await add.getByLabel('Role').selectOption('viewer');
  await add.getByRole('button', { name: 'Add user' }).click();
  const row = page.getByRole('row', { name: new RegExp(`^${USER} `) });
  await expect(row).toBeVisible();

  await row.getByRole('button', { name: `Reset the password of ${USER}` }).click();
  const reset = page.getByRole('form', { name: `Reset the password of ${USER}` });
  await reset.getByLabel('New password').fill(RESET_PASSWORD);
  await reset.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText(`The password of ${USER} was changed.`)).toBeVisible();

  const context = await browser.newContext();
  const user = await context.newPage();
  try {
    await signIn(user, USER, RESET_PASSWORD);
    await goTo(user, 'Access');
    const mine = user.getByRole('form', { name: 'Your password' });
    await mine.getByLabel('Current password').fill(RESET_PASSWORD);
    await mine.getByLabel('New password', { exact: true }).fill(OWN_PASSWORD);
    await mine.getByLabel('New password again').fill(`${OWN_PASSWORD}x`);
    await mine.getByRole('button', { name: 'Change password' }).click();
    await expect(mine.getByText('The two new passwords differ.')).toBeVisible();
    // The server's strength check comes back under the field.
    await mine.getByLabel('New password', { exact: true }).fill('aaaaaaaaaaaaaaaa');
    await mine.getByLabel('New password again').fill('aaaaaaaaaaaaaaaa');
    await mine.getByRole('button', { name: 'Change password' }).click();
    await expect(mine.locator('.field-error')).toHaveCount(1);
    await expect(mine.getByLabel('New password', { exact: true })).toHaveAttribute('aria-invalid', 'true');

    await mine.getByLabel('New password', { exact: true }).fill(OWN_PASSWORD);
    await mine.getByLabel('New password again').fill(OWN_PASSWORD);
    await mine.getByRole('button', { name: 'Change password' }).click();
    await expect(user.getByRole('status').filter({ hasText: 'Password changed' })).toContainText(
      'other sessions were signed out and your API tokens were revoked',
    );
  } finally {
    await context.close();
  }
  // The new password is the one that works now.
  const check = await fetchInPage(page, '/api/v1/auth/login', {
    method: 'POST',
    body: { username: USER, password: RESET_PASSWORD },
  });
  expect(check.status).toBe(401);
  const fresh = await browser.newContext();
  try {
    const again = await fresh.newPage();
    await signIn(again, USER, OWN_PASSWORD);
  } finally {
    await fresh.close();
  }
});

test('a token with an expiry shows it; revoked, it can be removed', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Access');
  const form = page.getByRole('form', { name: 'Create token' });
  const day = new Date(Date.now() + 30 * 86_400_000);
  const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
  await form.getByLabel('Token name').fill(TOKEN);
  await form.getByLabel('Expires on').fill(iso);
  await form.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByLabel('New token')).toBeVisible();

  const tokens = page.getByRole('table', { name: 'API tokens' });
  const row = tokens.getByRole('row', { name: new RegExp(`^${TOKEN}`) });
  await expect(row).toContainText('active');
  await expect(row.locator('time')).toHaveAttribute('datetime', /^\d{4}-\d{2}-\d{2}T/);
  const listed = (await fetchInPage(page, '/api/v1/tokens')).json as {
    items: Array<{ name: string; expiresAt: string | null }>;
  };
  const expiresAt = listed.items.find((tk) => tk.name === TOKEN)?.expiresAt ?? '';
  // The end of the chosen day in the browser's time zone.
  expect(new Date(expiresAt).getDate()).toBe(day.getDate());

  await row.getByRole('button', { name: `Revoke token ${TOKEN}` }).click();
  await row.getByRole('button', { name: 'Revoke', exact: true }).click();
  await expect(row).toContainText('revoked');
  await row.getByRole('button', { name: `Remove token ${TOKEN}` }).click();
  await row.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(tokens.getByRole('row', { name: new RegExp(`^${TOKEN}`) })).toHaveCount(0);
  const audit = (await fetchInPage(page, '/api/v1/audit?action=token.remove&limit=1')).json as {
    items: Array<{ detail: { name?: string } }>;
  };
  expect(audit.items[0]?.detail.name).toBe(TOKEN);
});

test('screenshots: dashboard and access, wide and phone, English and Japanese, light and dark', async ({ browser }) => {
  test.setTimeout(300_000);
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    // One sign-in per viewport; the language and theme are the operator's saved choices, read on load.
    const context = await browser.newContext({ viewport: { width, height } });
    const page = await context.newPage();
    try {
      await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
      for (const lang of ['en', 'ja']) {
        for (const theme of ['light', 'dark']) {
          await page.evaluate(
            ([l, th]) => {
              localStorage.setItem('gatehouse.lang', l as string);
              localStorage.setItem('gatehouse.theme', th as string);
            },
            [lang, theme],
          );
          await page.goto('/');
          await expect(page.locator('html')).toHaveAttribute('lang', lang);
          await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
          await expect(page.locator('.ct-chart')).toBeVisible({ timeout: 10_000 });
          await snap(page, `dashboard-access-dashboard-${width}-${lang}-${theme}`);
          await page.goto('/access');
          await expect(page.locator('#audit-title')).toBeVisible();
          await expect(page.locator('.access table').first()).toBeVisible();
          await snap(page, `dashboard-access-access-${width}-${lang}-${theme}`);
          if (width < 800) {
            // A phone's full page is very long: also what one screen shows of each section.
            for (const section of ['users', 'tokens', 'password', 'audit']) {
              await page.locator(`#${section}-title`).evaluate((el) => el.scrollIntoView({ block: 'start' }));
              await page.screenshot({
                path: join(SCREENSHOTS, `dashboard-access-phone-${section}-${lang}-${theme}.png`),
              });
            }
          }
        }
      }
    } finally {
      await context.close();
    }
  }
});
