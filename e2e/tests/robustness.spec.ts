/**
 * What an admin's day throws at the UI: a page whose file is gone after an
 * upgrade, leaving a form half-edited, a bad value typed, the system's theme
 * changing, and a clean first look at the login page.
 *
 * Changes nothing on the gateway: the FTP edits are never saved.
 */
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { fetchInPage, goTo, signIn } from './support.js';

test.describe.configure({ mode: 'serial' });

// The page global this spec reads (the e2e tsconfig has no DOM library).
declare const document: { documentElement: { dataset: Record<string, string | undefined> } };
/** The theme the page shows. */
const theme = (page: Page) => page.evaluate(() => document.documentElement.dataset.theme);

test('a page whose chunk fails to load says a new version is available, and Reload brings the page', async ({
  page,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  // As after an upgrade: the old page asks for a chunk the server no longer has.
  const chunk = /\/assets\/HistoryPage-[^/]+\.js$/;
  let aborted = 0;
  await page.route(chunk, (route) => {
    aborted++;
    return route.abort();
  });
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'History', exact: true })
    .click();
  const notice = page.getByRole('alert').filter({ hasText: 'A new version is available' });
  await expect(notice).toBeVisible();
  expect(aborted).toBeGreaterThan(0);
  // Not the router's developer page, no stack trace; the menu is still there.
  await expect(page.getByText(/Unexpected Application Error|at .*\.js:\d+/)).toHaveCount(0);
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();

  await page.unroute(chunk);
  await notice.getByRole('button', { name: 'Reload' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'History' })).toBeVisible();
  await expect(notice).toBeHidden();
});

test('FTP: ports and servers are checked as typed, before any save', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Helpers');
  const port = page.getByLabel('New control port');
  // The model's own message (whatever its wording in this language), tied to the field.
  await port.fill('70000');
  await expect(port).toHaveAttribute('aria-invalid', 'true');
  await expect(port).toHaveAccessibleDescription(/65535/);
  await port.fill('21');
  await expect(port).toHaveAccessibleDescription(/twice/);
  await port.fill('2121');
  await expect(port).not.toHaveAttribute('aria-invalid', 'true');
  await expect(port).not.toHaveAccessibleDescription(/65535|twice/);
  await port.fill('');

  const server = page.getByLabel('New server address');
  await server.fill('192.168.1.300');
  await expect(server).toHaveAttribute('aria-invalid', 'true');
  await expect(server).toHaveAccessibleDescription(/IPv4/);
  // An invalid value is not added.
  await page.getByRole('button', { name: 'Add server' }).click();
  await expect(page.getByRole('list', { name: 'Servers', exact: true }).getByRole('listitem')).toHaveCount(0);
  await server.fill('192.168.1.2');
  await expect(server).not.toHaveAttribute('aria-invalid', 'true');
  await expect(server).not.toHaveAccessibleDescription(/IPv4/);
  await server.fill('');
});

test('FTP: leaving with unsaved edits asks first, in the app and when closing the tab', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Helpers');
  const before = await fetchInPage(page, '/api/v1/ftp');
  const passiveOnly = page.getByRole('switch', { name: 'Passive only' });
  await passiveOnly.click();

  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByRole('link', { name: 'Dashboard', exact: true }).click();
  const ask = page.getByRole('alertdialog', { name: 'You have unsaved changes to the helper settings.' });
  await expect(ask).toBeVisible();
  await expect(ask.getByRole('button', { name: 'Stay' })).toBeFocused();
  await ask.getByRole('button', { name: 'Stay' }).click();
  await expect(ask).toBeHidden();
  await expect(page.getByRole('heading', { level: 1, name: 'Helpers' })).toBeVisible();
  await expect(passiveOnly).toBeChecked();

  // Closing the tab gets the browser's own question.
  const dialog = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const d = await dialog;
  expect(d.type()).toBe('beforeunload');
  await d.dismiss();
  expect(page.isClosed()).toBe(false);

  await nav.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await ask.getByRole('button', { name: 'Leave' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  // Nothing was saved.
  expect((await fetchInPage(page, '/api/v1/ftp')).json).toEqual(before.json);

  // Without edits nothing asks.
  await goTo(page, 'Helpers');
  await goTo(page, 'Dashboard');
  await expect(ask).toHaveCount(0);
});

test('the theme follows the system live, and can return to following it after a choice', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const choice = page.getByRole('combobox', { name: 'Theme' });
  await expect(choice).toHaveValue('system');
  expect(await theme(page)).toBe('light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect.poll(() => theme(page)).toBe('dark');

  await choice.selectOption('light');
  expect(await theme(page)).toBe('light');
  await page.reload();
  await expect(choice).toHaveValue('light');
  expect(await theme(page)).toBe('light'); // the choice wins over the system's dark

  await choice.selectOption('system');
  await expect.poll(() => theme(page)).toBe('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect.poll(() => theme(page)).toBe('light');
  await page.reload();
  await expect(choice).toHaveValue('system');
});

test('the login page: the username field has the focus, and loading it logs no error and fails no request', async ({
  browser,
}) => {
  // A browser that has never signed in (the default context shares nothing with it).
  const context = await browser.newContext({ baseURL: process.env.GATEHOUSE_E2E_BASE });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const failed: string[] = [];
    const refused: string[] = [];
    const asked: string[] = [];
    page.on('console', (m) => {
      // Chromium's note that helmet's Cross-Origin-Opener-Policy means nothing over plain HTTP on a
      // LAN address is the server's headers, not the page (security-headers.ts: not to be sent over HTTP).
      if (m.type() === 'error' && !m.text().startsWith('The Cross-Origin-Opener-Policy header has been ignored')) {
        errors.push(m.text());
      }
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`);
    });
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));

    await page.goto('/');
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByLabel('Username')).toBeFocused();
    await page.goto('/login?next=%2Fforwards');
    await expect(page.getByLabel('Username')).toBeFocused();
    await page.waitForTimeout(500);
    expect(errors).toEqual([]);
    expect(failed).toEqual([]);
    expect(refused).toEqual([]);
    expect(asked).not.toContain('/api/v1/auth/me');

    // Signing in still works, and lands where it was asked to.
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill(E2E_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Port forwards' })).toBeVisible();
    // A reload keeps the session (the page knows to ask who is signed in).
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Port forwards' })).toBeVisible();
    // (The reload itself cuts the live event stream: that one is aborted, not refused.)
    expect(refused).toEqual([]);
  } finally {
    await context.close();
  }
});
