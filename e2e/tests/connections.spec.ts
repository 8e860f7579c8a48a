/**
 * Connections and expectations in the real lab: a real FTP transfer from the
 * public client through the gateway's FTP forward, then what the panel shows
 * of it: packets, bytes and age (the kernel's accounting and timestamps, which
 * the server turns on), the forward each flow came through, the data flow
 * kept with its control flow under a filter on port 21, a held PASV linked
 * from its control flow and back, the panel's own connection marked and its
 * kill refused, readable expiry, whole tuples at 1280 px.
 *
 * It adds the FTP forward and turns the helper on (through the API, applied at
 * once) and puts the model back as it found it at the end, also on failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ftpFetch, holdPassive, LAB_ADDR, LAB_FILES } from '@gatehouse/lab';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import {
  changeAppliedModel,
  fetchInPage,
  goTo,
  lab,
  openLongConnection,
  restoreAppliedModel,
  SCREENSHOTS,
  signIn,
} from './support.js';

test.describe.configure({ mode: 'serial' });

const CLIENT = LAB_ADDR.client;
const PUBLIC = LAB_ADDR.gatewayWan;
const hello = LAB_FILES['hello.txt'];

interface FlowRow {
  id: string;
  state: string | null;
  original: { src: string; dst: string; sport: number | null; dport: number | null };
  counters: { origPackets: number; origBytes: number; replyPackets: number; replyBytes: number } | null;
  age: number | null;
  forward: { kind: string; id: string; name: string } | null;
  panel: boolean;
  masterId: string | null;
}

async function flowsOn(page: Page, query: string): Promise<FlowRow[]> {
  const r = await fetchInPage(page, `/api/v1/conntrack?${query}`);
  expect(r.status).toBe(200);
  return (r.json as { items: FlowRow[] }).items;
}

let original: unknown;

type Model = { forwards: Array<Record<string, unknown>>; ftp: { enabled: boolean; passiveOnly: boolean } };

test.beforeAll(async ({ browser }) => {
  original = await changeAppliedModel<Model>(browser, E2E_ADMIN_PASSWORD, (model) => {
    model.forwards.push({ id: 'ftp-conn', name: 'FTP for connections', publicPorts: '21', target: LAB_ADDR.server });
    model.ftp.enabled = true;
    model.ftp.passiveOnly = false;
  });
});

test.afterAll(async ({ browser }) => restoreAppliedModel(browser, E2E_ADMIN_PASSWORD, original));

test('a real FTP transfer: packets, bytes, age, its forward, and the data flow kept with its control flow on port 21', async ({
  page,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const acct = await fetchInPage(page, '/api/v1/conntrack/accounting');
  expect(acct.json).toEqual({ counters: true, timestamps: true });

  const retr = await ftpFetch(lab(), { mode: 'passive', path: 'hello.txt' });
  expect(retr.ok, retr.transcript).toBe(true);
  expect(retr.body).toBe(hello);
  const dataPort = retr.pasvAddress?.port as number;

  // The API: the control flow came through the FTP forward, with counters and an age;
  // the filter on port 21 also brings its data flow (port dataPort), which has the file's bytes.
  const port21 = await flowsOn(page, 'port=21&limit=100');
  const control = port21.find((f) => f.original.src === CLIENT && f.original.dport === 21);
  expect(control, JSON.stringify(port21)).toBeDefined();
  const c = control as FlowRow;
  expect(c.forward).toEqual({ kind: 'forward', id: 'ftp-conn', name: 'FTP for connections' });
  expect(c.counters?.origPackets).toBeGreaterThan(3);
  expect(c.counters?.replyBytes).toBeGreaterThan(100);
  expect(c.age).not.toBeNull();
  const data = port21.find((f) => f.original.dport === dataPort);
  expect(data, `data flow to ${dataPort} under port=21: ${JSON.stringify(port21)}`).toBeDefined();
  expect(data?.masterId).toBe(c.id);
  expect(data?.counters?.replyBytes).toBeGreaterThanOrEqual(hello.length);
  // ...and the other way: the data port alone names no control flow, and a flow
  // the FTP forward did not carry (the panel's own) names no forward.
  expect((await flowsOn(page, `port=${dataPort}`)).some((f) => f.original.dport === 21)).toBe(false);
  const panelFlows = await flowsOn(page, 'port=8080');
  expect(panelFlows.length).toBeGreaterThan(0);
  for (const f of panelFlows) expect(f.forward).toBeNull();

  await goTo(page, 'Connections');
  await expect(
    page.getByRole('status').filter({ hasText: 'Packet and byte counters and flow start times are on' }),
  ).toBeVisible();
  await page.getByLabel('Port', { exact: true }).fill('21');
  const flows = page.getByRole('table', { name: 'Connection tracking table' });
  const controlRow = flows.getByRole('row').filter({ hasText: `${CLIENT}:${c.original.sport} → ${PUBLIC}:21` });
  await expect(controlRow).toBeVisible();
  await expect(controlRow.getByRole('link', { name: 'FTP for connections' })).toHaveAttribute(
    'href',
    '/forwards?q=FTP+for+connections',
  );
  await expect(controlRow.locator('.vcell-packets')).toHaveText(/^\d+\n\d+$/);
  await expect(controlRow.locator('.vcell-bytes')).toHaveText(/^\d[\d,.]* (B|KiB)\n\d[\d,.]* (B|KiB)$/);
  await expect(controlRow.locator('.vcell-age')).toHaveText(/^\d+ (s|min)$/);
  const dataRow = flows.getByRole('row').filter({ hasText: `${PUBLIC}:${dataPort}` });
  await expect(dataRow).toBeVisible();
  await expect(dataRow).toContainText('FTP data flow of the control connection above');
  // Expiry reads as a duration, never h:mm:ss.
  for (const text of await flows.locator('tbody .vcell-timeout').allTextContents()) {
    expect(text).toMatch(/^(\d+ (s|min|h|d)|—)$/);
  }
  await shoot(page, 'connections-ftp');
});

test('a held PASV: the control flow links to its expectation, and the expectation back to the control flow', async ({
  page,
}) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await goTo(page, 'Connections');
  await page.getByLabel('Address').fill(CLIENT);
  const held = await holdPassive(lab());
  try {
    const flows = page.getByRole('table', { name: 'Connection tracking table' });
    const controlRow = flows.getByRole('row').filter({ hasText: `${CLIENT}:${held.controlSourcePort} → ${PUBLIC}:21` });
    await expect(controlRow).toBeVisible();
    // The API first: the expectation names the control flow as its master.
    const controlId = (await flowsOn(page, `port=${held.controlSourcePort}`)).find((f) => f.original.dport === 21)?.id;
    expect(controlId).toBeDefined();
    await expect
      .poll(async () => {
        const r = await fetchInPage(page, '/api/v1/expectations');
        const items = (r.json as { items: Array<{ masterId: string | null; expected: { dport: number } }> }).items;
        return JSON.stringify(items.filter((x) => x.expected.dport === held.dataPort).map((x) => x.masterId));
      })
      .toBe(JSON.stringify([controlId]));
    const link = controlRow.getByRole('link', { name: '1 expectation' });
    await expect(link).toBeVisible({ timeout: 20_000 });
    await link.click();
    await expect(page.getByRole('heading', { level: 1, name: 'Expectations' })).toBeVisible();
    await expect(page.getByText('Expectations of one control connection only.')).toBeVisible();
    const row = page.getByRole('row').filter({ hasText: `${PUBLIC}:${held.dataPort}` });
    await expect(row).toHaveCount(1);
    await shoot(page, 'expectations-of-flow');
    await row.getByRole('link', { name: `${CLIENT}:${held.controlSourcePort} → ${PUBLIC}:21` }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Connections' })).toBeVisible();
    await expect(page.getByLabel('Port', { exact: true })).toHaveValue(String(held.controlSourcePort));
    await expect(
      page
        .getByRole('table', { name: 'Connection tracking table' })
        .getByRole('row')
        .filter({ hasText: `${CLIENT}:${held.controlSourcePort} → ${PUBLIC}:21` }),
    ).toBeVisible();
    // Once the data connection arrives the expectation is gone, and so is the link.
    const listing = await held.connectData();
    expect(listing).toContain('hello.txt');
    await goTo(page, 'Expectations');
    await expect(page.getByRole('row').filter({ hasText: `${PUBLIC}:${held.dataPort}` })).toHaveCount(0);
  } finally {
    await held.close();
  }
});

test("the panel's own connection is marked and its kill refused; another flow's kill works", async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const conn = openLongConnection(2022);
  try {
    await expect.poll(() => conn.output()).toContain('SSH-2.0-lab-server');
    await goTo(page, 'Connections');
    const flows = page.getByRole('table', { name: 'Connection tracking table' });

    await page.getByLabel('Port', { exact: true }).fill('8080');
    const own = flows.getByRole('row').filter({ hasText: 'this panel' }).filter({ hasText: 'ESTABLISHED' }).first();
    await expect(own).toBeVisible();
    const killOwn = own.getByRole('button', { name: /^Kill connection .*: A connection to this panel/ });
    await expect(killOwn).toBeDisabled();
    await shoot(page, 'connections-panel');
    // The server refuses it too, with a code the UI translates.
    const panelFlow = (await flowsOn(page, 'port=8080')).find((f) => f.panel && f.state === 'ESTABLISHED') as FlowRow;
    expect(panelFlow).toBeDefined();
    // No body, so no content type (Fastify refuses an empty JSON body).
    const refused = await page.evaluate(async (id) => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const r = await fetch(`/api/v1/conntrack/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { 'x-gatehouse-csrf': me.csrfToken },
      });
      return { status: r.status, json: (await r.json()) as unknown };
    }, panelFlow.id);
    expect(refused.status).toBe(409);
    expect((refused.json as { error: string }).error).toBe('panel_connection');
    expect((await flowsOn(page, 'port=8080')).some((f) => f.id === panelFlow.id)).toBe(true);

    // The other way: a flow through the ssh forward is not the panel's, names its forward, and can be killed.
    await page.getByLabel('Port', { exact: true }).fill('2022');
    const ssh = flows
      .getByRole('row')
      .filter({ hasText: `${PUBLIC}:2022` })
      .filter({ hasText: 'ESTABLISHED' });
    await expect(ssh).toBeVisible();
    await expect(ssh.getByRole('link', { name: 'ssh to the server' })).toBeVisible();
    await expect(ssh).not.toContainText('this panel');
    await ssh.getByRole('button', { name: /^Kill connection / }).click();
    await ssh.getByRole('button', { name: 'Kill', exact: true }).click();
    await expect.poll(() => conn.closed(), { timeout: 15_000 }).toBe(true);
  } finally {
    conn.stop();
  }
});

test('tuples are never cut off at 1280 px; screenshots in both languages and schemes, desktop and phone', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  // A flow with the longest tuples the lab has: client -> public FTP, kept open.
  const held = await holdPassive(lab());
  try {
    for (const vp of [
      { name: 'desktop', width: 1280, height: 800 },
      { name: 'phone', width: 390, height: 844 },
    ]) {
      for (const lang of ['en', 'ja'] as const) {
        for (const scheme of ['light', 'dark'] as const) {
          const context = await browser.newContext({
            baseURL: process.env.GATEHOUSE_E2E_BASE,
            viewport: { width: vp.width, height: vp.height },
            locale: lang === 'ja' ? 'ja-JP' : 'en-US',
            colorScheme: scheme,
          });
          try {
            const page = await context.newPage();
            await signInAny(page);
            await page.goto('/connections');
            const table = page.getByRole('table').first();
            await expect(table.locator('tbody tr:not(.vrow-placeholder)').first()).toBeVisible();
            if (vp.name === 'desktop') {
              const cut = await table
                .locator('tbody .vcell-tuples')
                .evaluateAll((cells) =>
                  cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.textContent),
                );
              expect(cut).toEqual([]);
              // Nor by the page: the table needs no horizontal scrolling.
              const scroll = await page
                .locator('.vtable')
                .evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth }));
              expect(scroll.sw).toBeLessThanOrEqual(scroll.cw + 1);
            }
            await page.waitForTimeout(300);
            const dir = join(SCREENSHOTS, 'connections');
            mkdirSync(dir, { recursive: true });
            await page.screenshot({ path: join(dir, `${vp.name}-${lang}-${scheme}.png`) });
            await page.goto('/expectations');
            await expect(page.getByRole('row').filter({ hasText: `${PUBLIC}:${held.dataPort}` })).toBeVisible();
            await page.screenshot({ path: join(dir, `expectations-${vp.name}-${lang}-${scheme}.png`) });
          } finally {
            await context.close();
          }
        }
      }
    }
  } finally {
    await held.close();
  }
});

/** Signs in whatever the page's language (the login form by its element ids). */
async function signInAny(page: Page): Promise<void> {
  await page.goto('/login');
  await page.locator('#login-username').fill('admin');
  await page.locator('#login-password').fill(E2E_ADMIN_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page).not.toHaveURL(/login/);
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}
