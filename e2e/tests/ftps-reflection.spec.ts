/**
 * FTPS forwards (issue #13.2), end to end: the admin adds a forward to an
 * FTPS server (vsftpd with ssl_enable=YES and pasv_address, started in the
 * lab's server namespace for this spec only, on 990: the lab's plain vsftpd
 * holds 21), applies it, and a real `curl --ssl-reqd` from the public client
 * logs in but cannot open the data connection; then marks it FTPS in the
 * form with the server's passive range, applies, and the same curl brings
 * the file intact. The Gateway page's reflection switch is saved on the way.
 *
 * The model is put back as the spec found it at the end, also on failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FtpsServer, ftpsFetch, LAB_ADDR, startFtpsServer } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import {
  applyFromUi,
  changeAppliedModel,
  fetchInPage,
  goTo,
  lab,
  restoreAppliedModel,
  signIn,
  snap,
} from './support.js';

test.describe.configure({ mode: 'serial' });

const PORT = 990;
const PASSIVE = '40000-40009';
const BLOB = randomBytes(128 * 1024);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * applyFromUi waits for "Revision N is confirmed", which a second apply in
 * one page can find from the first one: wait for the newest revision itself.
 */
async function newestConfirmed(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const r = await fetchInPage(page, '/api/v1/revisions');
      const [newest] = (r.json as { items: { status: string; active: boolean }[] }).items;
      return newest?.status === 'confirmed' && newest.active;
    })
    .toBe(true);
}

let original: unknown;
let server: FtpsServer | undefined;

test.beforeAll(async ({ browser }) => {
  server = await startFtpsServer(lab(), {
    port: PORT,
    passivePorts: { min: 40000, max: 40009 },
    pasvAddress: LAB_ADDR.gatewayWan,
    files: { 'blob.bin': BLOB },
  });
  original = await changeAppliedModel(browser, E2E_ADMIN_PASSWORD);
});

test.afterAll(async ({ browser }) => {
  try {
    await restoreAppliedModel(browser, E2E_ADMIN_PASSWORD, original);
  } finally {
    await server?.stop();
  }
});

test('FTPS: a plain forward lets curl --ssl-reqd log in but not transfer; marked FTPS in the form, the file arrives', async ({
  page,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);

  await test.step('a plain forward to the FTPS server: login works, the data connection does not', async () => {
    await goTo(page, 'Port forwards');
    await page.getByRole('button', { name: 'Add forward' }).click();
    const form = page.getByRole('form', { name: 'New port forward' });
    await form.getByLabel('Name').fill('FTPS server');
    await form.getByLabel('Identifier').fill('ftps-server');
    await form.getByLabel('Public ports').fill(String(PORT));
    await form.getByLabel('Target server').fill(LAB_ADDR.server);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);
    await applyFromUi(page, { comment: 'FTPS server, plain forward' });
    await newestConfirmed(page);

    const r = await ftpsFetch(lab(), { port: PORT, path: 'blob.bin', timeoutSec: 4 });
    expect(r.transcript).toMatch(/^< 230 /m);
    expect(r.pasvAddress?.host).toBe(LAB_ADDR.gatewayWan);
    expect(r.ok, r.transcript).toBe(false);
  });

  await test.step('marked FTPS with the passive range (the hint names pasv_address), applied: the file arrives', async () => {
    await goTo(page, 'Port forwards');
    await page.getByRole('button', { name: 'Edit forward FTPS server' }).click();
    const form = page.getByRole('form', { name: 'Edit forward “FTPS server”' });
    await form.getByRole('checkbox', { name: 'FTPS (encrypted control channel)' }).check();
    const range = form.getByLabel('Server’s passive ports');
    await expect(range).toHaveAccessibleDescription(/pasv_address=<public address>.*MasqueradeAddress.*-P/);
    await range.fill('40000-40009,41000');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(range).toHaveAttribute('aria-invalid', 'true');
    await range.fill(PASSIVE);
    await snap(page, 'forward-ftps');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toHaveCount(0);

    await applyFromUi(page, { comment: 'FTPS server marked FTPS' });
    await newestConfirmed(page);

    const r = await ftpsFetch(lab(), { port: PORT, path: 'blob.bin' });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(sha256(r.body)).toBe(sha256(BLOB));
  });

  await test.step('the Gateway page saves NAT reflection', async () => {
    await goTo(page, 'Gateway');
    const section = page.getByRole('region', { name: 'NAT reflection (hairpin)' });
    await section.getByRole('switch', { name: 'LAN clients reach the forwards at the public address' }).check();
    await section.getByRole('button', { name: 'Save NAT reflection' }).click();
    await expect(section.getByText('Saved to the desired state. Apply to make it live.')).toBeVisible();
    const saved = await fetchInPage(page, '/api/v1/gateway-settings');
    expect((saved.json as { reflection?: { enabled: boolean } }).reflection?.enabled).toBe(true);
  });
});
