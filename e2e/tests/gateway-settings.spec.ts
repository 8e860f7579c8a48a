/**
 * The Gateway page: everything in the model besides port forwards and FTP can
 * be seen and edited from the UI. The browser sits on the LAN side; the way
 * back in (a gateway forward 2222 -> the gateway's own ssh stand-in on 22) is
 * checked with a real TCP client in the lab's client namespace, both ways.
 * The model found at the start is put back (and applied) at the end, also on
 * failure.
 */
import { LAB_ADDR, LAB_BANNER, tcpBanner } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, E2E_VIEWER_PASSWORD } from './model.js';
import {
  applyFromUi,
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

const GATEWAY_PUBLIC_PORT = 2222;
const VIEWER = 'nightshift';

/**
 * Waits until the applied revision is the desired state and confirmed: the
 * confirmation notice of an earlier apply can still be on screen when
 * applyFromUi looks for one.
 */
async function settled(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const s = (await fetchInPage(page, '/api/v1/status')).json as {
          desiredDiffersFromApplied: boolean;
          pending: unknown;
        };
        return !s.desiredDiffersFromApplied && s.pending === null;
      },
      { timeout: 30_000 },
    )
    .toBe(true);
}

test('the Gateway page edits gateway forwards, masquerade, the filter and interface roles', async () => {
  test.setTimeout(240_000);
  const lan = await pageOn(panelReach().lan);
  const { page } = lan;
  let original: unknown = null;
  let restored = false;
  let viewerId: number | null = null;
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    const config = await fetchInPage(page, '/api/v1/config');
    expect(config.status).toBe(200);
    original = config.json;

    // --- gateway forwards: the existing one is on screen --------------------------------
    await goTo(page, 'Gateway');
    const table = page.getByRole('table', { name: 'Gateway forwards' });
    const existing = table.getByRole('row').filter({ hasText: 'ssh to the gateway' });
    await expect(existing).toBeVisible();
    await expect(existing.getByRole('cell', { name: '2222', exact: true })).toBeVisible();
    await expect(existing.getByRole('cell', { name: '22', exact: true })).toBeVisible();

    // Switched off and applied: nothing answers on the public 2222 (the "before").
    // The switch shows the server's state, so it turns off once the change is saved, not on the click.
    const sshSwitch = table.getByRole('switch', { name: 'Enable gateway forward ssh to the gateway' });
    await sshSwitch.click();
    await expect(sshSwitch).not.toBeChecked();
    await expect(page.getByText('Saved to the desired state. Apply to make it live.').first()).toBeVisible();
    await applyFromUi(page, { comment: 'gateway forward ssh-gateway off' });
    await settled(page);
    const before = await tcpBanner(lab(), { port: GATEWAY_PUBLIC_PORT, timeoutMs: 2000 });
    expect(before.ok, JSON.stringify(before)).toBe(false);
    expect(before.banner).not.toBe(LAB_BANNER.gateway);

    // Bad input through the API: a field-level message, not a 5xx.
    const bad = await fetchInPage(page, '/api/v1/gateway-forwards', {
      method: 'POST',
      headers: { 'x-gatehouse-csrf': await csrfToken(page) },
      body: { id: 'Bad Id', name: 'x'.repeat(65), publicPort: 0, localPort: 22 },
    });
    expect(bad.status).toBe(400);
    const paths = ((bad.json as { problems?: { path: string }[] }).problems ?? []).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['body.id', 'body.name', 'body.publicPort']));

    // Added from the UI: the shared schema refuses a bad port before sending.
    await goTo(page, 'Gateway');
    await page.getByRole('button', { name: 'Add gateway forward' }).click();
    const form = page.getByRole('form', { name: 'New gateway forward' });
    await form.getByLabel('Name').fill('ssh back in');
    await form.getByLabel('Public port').fill('70000');
    await form.getByLabel('Port on the gateway').fill('22');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByLabel('Public port')).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText(/65535/)).toBeVisible();
    await form.getByLabel('Public port').fill(String(GATEWAY_PUBLIC_PORT));
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
    const added = table.getByRole('row').filter({ hasText: 'ssh back in' });
    await expect(added).toBeVisible();
    await expect(added.getByText('ssh-back-in')).toBeVisible();
    await snap(page, 'gateway-forwards');

    // Applied: a real client on the public side reaches the gateway's own ssh stand-in (the "after").
    await applyFromUi(page, { comment: 'gateway forward 2222 -> 22' });
    await settled(page);
    const after = await tcpBanner(lab(), { host: LAB_ADDR.gatewayWan, port: GATEWAY_PUBLIC_PORT });
    expect(after.ok, JSON.stringify(after)).toBe(true);
    expect(after.banner).toBe(LAB_BANNER.gateway);

    // Deleted with the two-step button.
    await goTo(page, 'Gateway');
    await table.getByRole('button', { name: 'Delete gateway forward ssh back in' }).click();
    await table.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(added).toBeHidden();

    // --- masquerade and filter: saved, and the pending diff says what changes -------------
    await page.getByRole('switch', { name: 'LAN traffic leaves with the gateway’s public address' }).uncheck();
    await page.getByRole('radio', { name: 'Forward only what is allowed' }).check();
    await page.getByRole('button', { name: 'Save masquerade and filter' }).click();
    await expect(page.getByText('Saved to the desired state. Apply to make it live.').first()).toBeVisible();
    const settings = await fetchInPage(page, '/api/v1/gateway-settings');
    expect(settings.json).toMatchObject({ masquerade: { lanToWan: false }, filter: { policy: 'drop' } });
    await goTo(page, 'Apply');
    // In plain words (the pending summary) and in the nft diff.
    await expect(page.getByText(/Masquerade: forwarded servers .*, LAN to WAN/).first()).toBeVisible();
    await expect(page.getByText(/Forward filter: policy .*drop/).first()).toBeVisible();
    await expect(page.getByText(/-.*masquerade: LAN to WAN/).first()).toBeVisible();
    await expect(page.getByText(/\+.*policy drop/).first()).toBeVisible();

    // --- interface roles: live interfaces with addresses, and the warning for our own ------
    await goTo(page, 'Gateway');
    const roles = page.getByRole('table', { name: 'Interfaces and their roles' });
    const eth0 = roles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'eth0' }) });
    const eth1 = roles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'eth1' }) });
    await expect(eth0).toContainText(`${LAB_ADDR.gatewayWan}/`);
    await expect(eth1).toContainText(`${LAB_ADDR.gatewayLan}/`);
    await expect(page.getByLabel('Role of eth0')).toHaveValue('wan');
    await expect(page.getByLabel('Role of eth1')).toHaveValue('lan');
    await expect(page.getByText(`You are connected through eth1 (${LAB_ADDR.gatewayLan}).`)).toBeVisible();
    const warning = page.getByRole('alert').filter({ hasText: 'You are connected through eth1: its role changes' });
    await expect(warning).toHaveCount(0);
    await page.getByLabel('Role of eth1').selectOption('wan');
    await page.getByLabel('Role of eth0').selectOption('lan');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('from LAN (private) to WAN (public)');
    await snap(page, 'gateway-roles-warning');
    // An interface that is not up yet is typed; its name is checked with the shared schema.
    await page.getByLabel('Interface not up yet').fill('wg/0');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByLabel('Interface not up yet')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('Interface not up yet').fill('wg0');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const wg0 = roles.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'wg0' }) });
    await expect(wg0).toContainText('not present');
    await expect(page.getByLabel('Role of wg0')).toHaveValue('lan');
    // Not saved, not applied: undone in the form.
    await page.getByRole('button', { name: 'Undo changes' }).click();
    await expect(warning).toHaveCount(0);
    await expect(page.getByLabel('Role of eth1')).toHaveValue('lan');
    await expect(wg0).toHaveCount(0);
    await expect(wg0).toHaveCount(0);

    // Put back as found and applied: the original gateway forward answers again.
    await applyModelFromPage(page, original);
    restored = true;
    const again = await tcpBanner(lab(), { port: GATEWAY_PUBLIC_PORT });
    expect(again.banner).toBe(LAB_BANNER.gateway);
    await snapAllStyles(page, 'gateway', { en: 'Gateway', ja: 'ゲートウェイ' }, (p) => p.getByRole('table').nth(1));

    // A viewer sees the same page with no control.
    const made = await fetchInPage(page, '/api/v1/users', {
      method: 'POST',
      headers: { 'x-gatehouse-csrf': await csrfToken(page) },
      body: { username: VIEWER, password: E2E_VIEWER_PASSWORD, role: 'viewer' },
    });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    viewerId = (made.json as { id: number }).id;
    const ctx = await lan.browser.newContext({ baseURL: panelReach().lan.base });
    const viewer = await ctx.newPage();
    try {
      await signIn(viewer, VIEWER, E2E_VIEWER_PASSWORD);
      await goTo(viewer, 'Gateway');
      await expect(viewer.getByText('Read-only: the viewer role can look but not change anything.')).toBeVisible();
      const rows = viewer.getByRole('table', { name: 'Gateway forwards' });
      await expect(rows.getByRole('row').filter({ hasText: 'ssh to the gateway' })).toBeVisible();
      await expect(rows.getByRole('switch', { name: 'Enable gateway forward ssh to the gateway' })).toBeDisabled();
      await expect(
        viewer.getByRole('switch', { name: 'LAN traffic leaves with the gateway’s public address' }),
      ).toBeDisabled();
      await expect(viewer.getByLabel('Role of eth0')).toBeDisabled();
      await expect(viewer.getByText(`${LAB_ADDR.gatewayLan}/24`)).toBeVisible();
      for (const name of ['Add gateway forward', 'Save masquerade and filter', 'Save interface roles']) {
        await expect(viewer.getByRole('button', { name })).toHaveCount(0);
      }
    } finally {
      await ctx.close();
    }
  } finally {
    try {
      if (original !== null && !restored) await applyModelFromPage(page, original);
      if (viewerId !== null) {
        const del = await fetchInPage(page, `/api/v1/users/${viewerId}`, {
          method: 'DELETE',
          headers: { 'x-gatehouse-csrf': await csrfToken(page) },
          body: {}, // fetchInPage always sends a JSON content type, and Fastify refuses an empty JSON body
        });
        expect(del.status, JSON.stringify(del.json)).toBe(200);
      }
    } finally {
      await lan.close();
    }
  }
});
