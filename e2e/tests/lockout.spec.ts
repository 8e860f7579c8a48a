/**
 * Issue #10: an apply that cuts the operator off is refused, and forced
 * through the UI it rolls back by itself. The browser sits on the WAN side
 * (client namespace, http://192.0.2.2:8080) so the gateway's rules act on its
 * connections; the apply redirects the panel's port to the gateway's ssh
 * stand-in. The UI applies provisionally, tries to confirm over a new
 * connection, cannot reach the panel, and reports the automatic rollback once
 * the panel answers again. The desired model is put back at the end: the
 * specs share one gateway.
 */
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { fetchInPage, goTo, pageOn, panelReach, signIn, snap } from './support.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
type Json = any;

async function csrfOf(page: Page): Promise<string> {
  return ((await fetchInPage(page, '/api/v1/auth/me')).json as { csrfToken: string }).csrfToken;
}

/** The desired model's ETag (fetchInPage returns bodies only; /status has the version). */
async function etagOf(page: Page): Promise<string> {
  return `"v${((await fetchInPage(page, '/api/v1/status')).json as { desiredVersion: number }).desiredVersion}"`;
}

test('a forced lockout made through the UI rolls back by itself; the panel answers again', async () => {
  test.setTimeout(180_000);
  const wan = await pageOn(panelReach().wan);
  const { page } = wan;
  let original: { body: Json; etag: string } | null = null;
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    const csrf = await csrfOf(page);
    original = { body: (await fetchInPage(page, '/api/v1/config')).json, etag: await etagOf(page) };
    const put = await fetchInPage(page, '/api/v1/config', {
      method: 'PUT',
      headers: { 'if-match': original.etag, 'x-gatehouse-csrf': csrf },
      body: {
        ...original.body,
        gatewayForwards: [
          ...original.body.gatewayForwards,
          { id: 'panel-redirect', name: 'panel port to gateway ssh', publicPort: 8080, localPort: 22 },
        ],
      },
    });
    expect(put.status, JSON.stringify(put.json)).toBe(200);

    await goTo(page, 'Apply');
    // The preview already warns, naming the object.
    await expect(page.getByRole('alert').filter({ hasText: 'panel-redirect' }).first()).toBeVisible();
    await page.getByLabel('Roll back automatically unless confirmed within').selectOption('30');
    await page.getByRole('button', { name: 'Apply with rollback timer' }).click();
    const refused = page
      .getByRole('alert')
      .filter({ hasText: 'This apply would cut off the connection you are using' });
    await expect(refused).toBeVisible();
    await snap(page, 'lockout-refused');

    await refused.getByRole('button', { name: 'Apply anyway' }).click();
    await expect(page.getByText(/Checking that the panel is still reachable over a new connection/)).toBeVisible();
    await snap(page, 'lockout-checking');
    // Nothing reaches the panel until the deadline (30 s); then the server restores the previous revision.
    await expect(page.getByText(/was rolled back: the panel could not be reached over a new connection/)).toBeVisible({
      timeout: 120_000,
    });
    await snap(page, 'lockout-rolled-back');

    // The panel answers again over new connections, and history says what happened.
    const health = await fetchInPage(page, '/api/v1/health');
    expect(health.status).toBe(200);
    const revisions = (await fetchInPage(page, '/api/v1/revisions?limit=3')).json as Json;
    expect(revisions.items[0].kind).toBe('auto-rollback');
    expect(revisions.items[1].status).toBe('rolled-back');
  } finally {
    if (original) {
      const back = original.body;
      await Promise.all([csrfOf(page), etagOf(page)])
        .then(([csrf, etag]) =>
          fetchInPage(page, '/api/v1/config', {
            method: 'PUT',
            headers: { 'if-match': etag, 'x-gatehouse-csrf': csrf },
            body: back,
          }),
        )
        .catch(() => undefined);
    }
    await wan.close();
  }
});
