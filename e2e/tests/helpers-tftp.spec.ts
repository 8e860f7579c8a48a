/**
 * Helpers as a family (issue #13.4), end to end: the admin switches the TFTP
 * helper on in the Helpers page, sees it in the pending changes, applies, and
 * a real tftp-hpa get from the public client through the gateway, which
 * timed out before, now brings the file intact; the doctor's TFTP card turns
 * from red to green, and the dashboard's TFTP card from off to on. in.tftpd runs in the lab's
 * server namespace for this spec only.
 *
 * It adds a UDP 69 forward (through the API, applied at once) and puts the
 * model back as it found it at the end, also on failure.
 */
import { LAB_ADDR, LAB_TFTP_FILES, startTftpServer, type TftpServer, tftpGet } from '@gatehouse/lab';
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { applyFromUi, changeAppliedModel, goTo, lab, restoreAppliedModel, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

const FILE = 'boot.txt';
const TFTP_FORWARD = { id: 'tftp', name: 'TFTP server', protocol: 'udp', publicPorts: '69', target: LAB_ADDR.server };

let original: unknown;
let server: TftpServer | undefined;

test.beforeAll(async ({ browser }) => {
  server = await startTftpServer(lab());
  original = await changeAppliedModel<{ forwards: unknown[]; tftp?: unknown }>(browser, E2E_ADMIN_PASSWORD, (model) => {
    model.forwards = [...model.forwards, TFTP_FORWARD];
    model.tftp = { enabled: false, ports: [69], servers: [] };
  });
});

test.afterAll(async ({ browser }) => {
  try {
    await restoreAppliedModel(browser, E2E_ADMIN_PASSWORD, original);
  } finally {
    await server?.stop();
  }
});

test('TFTP: switched on in the Helpers page and applied, a real tftp get through the gateway works (it timed out before)', async ({
  page,
}) => {
  // The forward alone: the request reaches the server, its answer from a new port does not come back.
  const before = await tftpGet(lab(), { file: FILE, timeoutSec: 3 });
  expect(before.ok, before.transcript).toBe(false);
  expect(before.timedOut, before.transcript).toBe(true);

  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  // The doctor, red: the TFTP forward's card names the helper and says how to fix it.
  await goTo(page, 'Helper doctor');
  const card = page.getByRole('article', { name: /TFTP server: public UDP port 69 → 192\.168\.1\.2:69/ });
  await expect(card.getByRole('heading', { level: 2 })).toContainText('Failure');
  const scope = card.locator('[data-check="helper-scope"]');
  await expect(scope).toContainText(/The TFTP helper is off in the applied revision \d+\./);
  await expect(scope).toContainText('Fix: Turn the TFTP helper on (the Helpers page) and apply.');
  await expect(card.locator('[data-check="probe"] .tag')).toHaveText('OK');
  // The dashboard shows the helper off, next to FTP's.
  await goTo(page, 'Dashboard');
  const dash = page.getByRole('article', { name: 'TFTP helper' });
  await expect(dash.locator('dd').first()).toHaveText('Off');

  await goTo(page, 'Helpers');
  const tftp = page.getByRole('region', { name: 'TFTP', exact: true });
  // Its kernel module, as FTP's card shows nf_nat_ftp (built in on the lab kernel).
  await expect(tftp.getByText(/^nf_nat_tftp on this gateway: (Loaded|Built in)/i)).toBeVisible();
  // The same controls as FTP's, checked as typed.
  const port = tftp.getByLabel('New TFTP port');
  await port.fill('69');
  await expect(port).toHaveAttribute('aria-invalid', 'true');
  await expect(port).toHaveAccessibleDescription(/twice/);
  await port.fill('');
  await tftp.getByRole('switch', { name: 'TFTP helper' }).check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved to the desired state. Apply to make it live.')).toBeVisible();
  await snap(page, 'helpers-tftp');

  await goTo(page, 'Apply');
  await expect(page.getByText('TFTP helper now on 69')).toBeVisible();
  await applyFromUi(page, { comment: 'tftp on from the Helpers page' });

  const after = await tftpGet(lab(), { file: FILE });
  expect(after.ok, after.transcript).toBe(true);
  expect(after.body).toBe(LAB_TFTP_FILES[FILE]);

  // The doctor, green: every check of the TFTP forward OK, the request seen with the helper.
  await goTo(page, 'Helper doctor');
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(card.getByRole('heading', { level: 2 })).toContainText('OK', { timeout: 20_000 });
  for (const check of ['kernel', 'helper-scope', 'live-evidence', 'probe']) {
    await expect(card.locator(`[data-check="${check}"]`).locator('.tag')).toHaveText('OK');
  }
  await expect(card.locator('[data-check="live-evidence"]')).toContainText(/\d+ expectations created/);
  await expect(card).not.toContainText('Fix:');
  await snap(page, 'ftp-doctor-tftp-green');
  await goTo(page, 'Dashboard');
  await expect(page.getByRole('article', { name: 'TFTP helper' }).locator('dd').first()).toHaveText('On');
});
