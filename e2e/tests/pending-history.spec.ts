/**
 * Pending changes, drift and history as an admin works them from the UI:
 * a forward added in the UI marks Apply in the navigation and is named in
 * plain words above the raw diff; discarding takes it away. A hand change
 * in the gateway's namespace (the table deleted with nft) is offered a
 * restore on the dashboard, and the kernel and a real client come back. A
 * provisional apply is rolled back from the banner at once (a real client
 * both ways), the rejected change is named on Apply with discard/retry, and
 * History compares a revision with the live one and restores the rejected
 * revision's model as the desired state (nothing loaded); going back to a
 * revision that applied fine asks a comment and a confirm window. A forward
 * added by hand with `nft add element` is adopted into the model from the
 * dashboard (its summary shown first), applied, and carries a real client.
 * The model found at the start is put back (and applied) at the end, also on
 * failure.
 */
import { LAB_BANNER, tcpBanner } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { applyFromUi, fetchInPage, goTo, lab, signIn, snap } from './support.js';

/** The page's localStorage, typed here: the e2e project compiles without the DOM library. */
type PageStorage = { localStorage: { setItem(k: string, v: string): void; removeItem(k: string): void } };

const WEB = { id: 'e2e-pend-web', name: 'E2E pending web', port: '2041' };
/** The forward added by hand with nft, and the id reading the table back gives it. */
const ADOPTED = { id: 'hand-tcp-2043', port: '2043' };

async function csrf(page: Page): Promise<string> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  return (me.json as { csrfToken: string }).csrfToken;
}

/** Puts the model back as it was and applies it (through the API, from the page). */
async function restoreModel(page: Page, model: unknown): Promise<void> {
  const pending = await fetchInPage(page, '/api/v1/apply/pending');
  if ((pending.json as { pending: unknown }).pending) {
    await fetchInPage(page, '/api/v1/apply/confirm', {
      method: 'POST',
      headers: { 'x-gatehouse-csrf': await csrf(page) },
    });
  }
  const status = await fetchInPage(page, '/api/v1/status');
  const version = (status.json as { desiredVersion: number }).desiredVersion;
  const r = await fetchInPage(page, '/api/v1/config?apply=true', {
    method: 'PUT',
    headers: { 'x-gatehouse-csrf': await csrf(page), 'if-match': `"v${version}"` },
    body: model,
  });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

/** Whether the public client reaches the server's ssh stand-in through `port` on the gateway's WAN address. */
async function reaches(port: string): Promise<boolean> {
  const r = await tcpBanner(lab(), { port: Number(port), timeoutMs: 2000 });
  return r.ok && r.banner.startsWith(LAB_BANNER.server);
}

async function addForwardInUi(page: Page): Promise<void> {
  await goTo(page, 'Port forwards');
  await page.getByRole('button', { name: 'Add forward' }).click();
  const form = page.getByRole('form', { name: 'New port forward' });
  await form.getByLabel('Name').fill(WEB.name);
  await form.getByLabel('Identifier').fill(WEB.id);
  await form.getByLabel('Public ports').fill(WEB.port);
  await form.getByLabel('Target server').fill('192.168.1.2');
  await form.getByLabel('Target port').fill('22');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toHaveCount(0);
}

const applyLink = (page: Page) =>
  page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Apply', exact: true });

async function screenshots(
  page: Page,
  name: string,
  heading: { en: string; ja: string },
  prepare: () => Promise<void> = async () => {},
): Promise<void> {
  for (const lang of ['en', 'ja'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate(
        ([l, th]) => {
          (globalThis as unknown as PageStorage).localStorage.setItem('gatehouse.lang', l);
          (globalThis as unknown as PageStorage).localStorage.setItem('gatehouse.theme', th);
        },
        [lang, theme] as const,
      );
      for (const [w, h] of [
        [1280, 800],
        [390, 844],
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await page.reload();
        await expect(page.getByRole('heading', { level: 1, name: heading[lang] })).toBeVisible();
        await prepare();
        await page.waitForTimeout(300);
        await snap(page, `${name}-${w}x${h}-${lang}-${theme}`);
      }
    }
  }
  await page.evaluate(() => {
    (globalThis as unknown as PageStorage).localStorage.setItem('gatehouse.lang', 'en');
    (globalThis as unknown as PageStorage).localStorage.removeItem('gatehouse.theme');
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.reload();
}

test('pending changes, drift repair, roll back now and history compare, from the UI', async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const original = (await fetchInPage(page, '/api/v1/config')).json;
  try {
    await test.step('start from an applied model (whatever the last spec left)', async () => {
      await restoreModel(page, original);
      await page.reload();
      await expect(applyLink(page)).not.toHaveAttribute('aria-describedby', /.+/);
      expect(await reaches(WEB.port)).toBe(false);
    });

    await test.step('a forward added in the UI: the nav marks Apply, and Apply says it in plain words', async () => {
      await addForwardInUi(page);
      await expect(applyLink(page)).toHaveAccessibleDescription('changes pending');
      await goTo(page, 'Apply');
      const summary = page.getByRole('list', { name: 'What this apply changes' });
      await expect(summary).toContainText(`Forward ${WEB.id} added: tcp ${WEB.port} -> 192.168.1.2:22`);
      // The raw diff follows, without the patch format's separator line.
      await expect(page.locator('.diff-body')).toContainText(WEB.port);
      await expect(page.locator('.diff-body')).not.toContainText('====');
      await screenshots(page, 'pending-apply', { en: 'Apply', ja: '適用' });
    });

    await test.step('discard: the change is gone, nothing is marked, the kernel never had it', async () => {
      await page.getByRole('button', { name: 'Discard pending changes' }).click();
      await page.getByRole('button', { name: 'Yes, discard them' }).click();
      await expect(page.getByText('The desired state matches the applied revision: nothing to apply.')).toBeVisible();
      await expect(applyLink(page)).not.toHaveAttribute('aria-describedby', /.+/);
      const cfg = (await fetchInPage(page, '/api/v1/config')).json as { forwards: Array<{ id: string }> };
      expect(cfg.forwards.map((f) => f.id)).not.toContain(WEB.id);
      expect(await reaches(WEB.port)).toBe(false);
    });

    await test.step('a provisional apply rolled back from the banner: the client gets through, then not', async () => {
      await addForwardInUi(page);
      const r = await fetchInPage(page, '/api/v1/apply', {
        method: 'POST',
        headers: { 'x-gatehouse-csrf': await csrf(page) },
        body: { comment: 'e2e web, to be rolled back', confirmWithinSeconds: 300 },
      });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      await expect.poll(() => reaches(WEB.port), { timeout: 10_000 }).toBe(true);
      const banner = page.getByRole('region', { name: 'Waiting for confirmation' });
      await expect(banner).toBeVisible();
      await snap(page, 'pending-banner-roll-back-now');
      await banner.getByRole('button', { name: 'Roll back now' }).click();
      await expect(page.getByText(/Revision \d+ was rolled back: the previous ruleset is live again\./)).toBeVisible();
      await expect.poll(() => reaches(WEB.port), { timeout: 10_000 }).toBe(false);
    });

    await test.step('the rejected change is named on Apply with discard or retry', async () => {
      await goTo(page, 'Apply');
      const notice = page
        .getByRole('alert')
        .filter({ hasText: /Revision \d+ was rolled back\. Its change is still pending/ });
      await expect(notice).toBeVisible();
      await expect(notice.getByRole('button', { name: 'Apply again' })).toBeVisible();
      await snap(page, 'pending-rejected');
      await notice.getByRole('button', { name: 'Discard pending changes' }).click();
      await expect(notice).toHaveCount(0);
      await expect(page.getByText('The desired state matches the applied revision: nothing to apply.')).toBeVisible();
    });

    await test.step('History: a rejected revision offers Restore; comparing it with current names the forward', async () => {
      await goTo(page, 'History');
      const table = page.getByRole('table', { name: 'Revisions' });
      const rejected = table.getByRole('row').filter({ hasText: 'e2e web, to be rolled back' });
      await expect(rejected.getByRole('button', { name: /^Restore revision \d+ as the desired state$/ })).toBeVisible();
      await expect(rejected.getByRole('button', { name: /^Roll back to revision/ })).toHaveCount(0);
      await rejected.getByRole('button', { name: /^Compare revision \d+ with the current one$/ }).click();
      const compare = page.getByRole('region', { name: /^Revision \d+ compared with the current one$/ });
      await expect(compare.getByRole('list')).toContainText(`Forward ${WEB.id} added`);
      await snap(page, 'history-compare');

      // Restore puts its model back as the desired state (nothing loaded), after a confirmation.
      await rejected.getByRole('button', { name: /^Restore revision \d+ as the desired state$/ }).click();
      const restore = page.getByRole('region', { name: /^Restore revision \d+$/ });
      await expect(restore).toContainText('rolled back before it was confirmed');
      await expect(restore.getByRole('list').first()).toContainText(`Forward ${WEB.id} added`);
      await snap(page, 'history-restore');
      await restore.getByRole('button', { name: 'Restore as the desired state' }).click();
      await restore.getByRole('button', { name: 'Yes, restore it' }).click();
      await expect(restore.getByRole('status')).toContainText(/Revision \d+'s model is the desired state again/);
      const cfg = (await fetchInPage(page, '/api/v1/config')).json as { forwards: Array<{ id: string }> };
      expect(cfg.forwards.map((f) => f.id)).toContain(WEB.id);
      await expect(applyLink(page)).toHaveAccessibleDescription('changes pending');
      expect(await reaches(WEB.port)).toBe(false); // nothing was loaded
      // A revision that applied fine is rolled back to instead: a comment and a confirm window are asked.
      const fine = table
        .getByRole('row')
        .filter({ has: page.getByRole('button', { name: /^Roll back to revision \d+$/ }) });
      await fine
        .first()
        .getByRole('button', { name: /^Roll back to revision \d+$/ })
        .click();
      const dialog = page.getByRole('form', { name: /^Roll back to revision \d+$/ });
      await expect(dialog.getByLabel('Comment')).toBeVisible();
      await expect(dialog.getByLabel('Roll back automatically unless confirmed within')).toHaveValue('120');
      // A comment is asked for: without one nothing is sent.
      await dialog.getByRole('button', { name: /^Yes, roll back to \d+$/ }).click();
      await expect(dialog.getByText('Say why, for the history.')).toBeVisible();
      // The restore panel in both languages, themes and sizes: opened again after each reload (by its place: the labels change language).
      await screenshots(page, 'history-restore-panel', { en: 'History', ja: '履歴' }, async () => {
        const row = page.getByRole('row').filter({ hasText: 'e2e web, to be rolled back' });
        await row.getByRole('button').last().click();
        await expect(page.locator('.rollback-form .change-summary').first()).toBeVisible();
      });
      // The restored change is discarded again: the next steps start from the applied model.
      const discard = await fetchInPage(page, '/api/v1/pending/discard', {
        method: 'POST',
        headers: { 'x-gatehouse-csrf': await csrf(page) },
        body: {},
      });
      expect(discard.status, JSON.stringify(discard.json)).toBe(200);
    });

    await test.step('drift: the table deleted by hand is offered a restore, which brings the kernel back', async () => {
      const before = await lab().exec('gateway', 'nft', ['list', 'table', 'ip', 'gatehouse']);
      expect(before.exitCode).toBe(0);
      const deleted = await lab().exec('gateway', 'nft', ['delete', 'table', 'ip', 'gatehouse']);
      expect(deleted.exitCode, deleted.stderr).toBe(0);
      await goTo(page, 'Dashboard');
      const card = page.getByRole('article', { name: 'Drift' });
      await expect(card).toContainText('The live ruleset differs from the applied revision.', { timeout: 30_000 });
      await snap(page, 'dashboard-drift');
      await card.getByRole('button', { name: /^Restore revision \d+$/ }).click();
      await card.getByRole('button', { name: 'Yes, restore' }).click();
      await expect(card).toContainText('The live ruleset matches the applied revision.', { timeout: 30_000 });
      const after = await lab().exec('gateway', 'nft', ['list', 'table', 'ip', 'gatehouse']);
      expect(after.exitCode, after.stderr).toBe(0);
      expect(after.stdout).toBe(before.stdout);
      const ssh = await tcpBanner(lab(), { port: 2022, timeoutMs: 3000 });
      expect(ssh.ok && ssh.banner.startsWith(LAB_BANNER.server), JSON.stringify(ssh)).toBe(true);
    });

    await test.step('drift: a forward added by hand is adopted into the model, applied, and carries a real client', async () => {
      expect(await reaches(ADOPTED.port)).toBe(false);
      const added = await lab().exec('gateway', 'nft', [
        'add',
        'element',
        'ip',
        'gatehouse',
        'forward_tcp_new_port',
        `{ ${ADOPTED.port} : 192.168.1.2 . 22 }`,
      ]);
      expect(added.exitCode, added.stderr).toBe(0);
      await goTo(page, 'Dashboard');
      const card = page.getByRole('article', { name: 'Drift' });
      await expect(card).toContainText('The live ruleset differs from the applied revision.', { timeout: 30_000 });
      await card.getByRole('button', { name: 'Adopt into the model…' }).click();
      const adoption = card.getByRole('region', { name: 'Adopt the hand change into the model' });
      // The summary comes first, in plain words.
      await expect(adoption.getByRole('list', { name: 'What adopting changes in the model' })).toContainText(
        `Forward ${ADOPTED.id} added: tcp ${ADOPTED.port} -> 192.168.1.2:22`,
      );
      await snap(page, 'dashboard-drift-adopt');
      await adoption.getByRole('button', { name: 'Adopt', exact: true }).click();
      await adoption.getByRole('button', { name: 'Yes, adopt' }).click();
      await expect(adoption.getByRole('status')).toContainText('Adopted: the hand change is now a pending change.');
      await adoption.getByRole('link', { name: 'Review and apply' }).click();
      await expect(page.getByRole('list', { name: 'What this apply changes' })).toContainText(
        `Forward ${ADOPTED.id} added: tcp ${ADOPTED.port} -> 192.168.1.2:22`,
      );
      await applyFromUi(page, { comment: 'e2e: adopt the hand change' });
      await goTo(page, 'Dashboard');
      await expect(page.getByRole('article', { name: 'Drift' })).toContainText(
        'The live ruleset matches the applied revision.',
        { timeout: 30_000 },
      );
      const cfg = (await fetchInPage(page, '/api/v1/config')).json as { forwards: Array<{ id: string }> };
      expect(cfg.forwards.map((f) => f.id)).toContain(ADOPTED.id);
      // The applied revision (not the hand element) carries the client now.
      expect(await reaches(ADOPTED.port)).toBe(true);
    });
  } finally {
    await restoreModel(page, original);
  }
});
