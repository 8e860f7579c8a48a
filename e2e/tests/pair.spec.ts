/**
 * The pair managed as one, from the panel of a node whose peer is down
 * (issue #16): a real server in a lab gateway of its own, configured as node
 * gw-a of a pair (GATEHOUSE_HA_NODE=gw-a; GATEHOUSE_HA_ENGINES=off, so no
 * keepalived or conntrackd runs) whose peer gw-b's panel is a closed port on
 * the gateway's loopback. An apply is refused, with nothing applied, and
 * says why; "Apply on this node only" applies it here (?degraded=true);
 * History shows the revision held by gw-a only; the Pair page shows the pair
 * degraded and the peer unreachable, and a failover says why it cannot be
 * done here; Connections and Expectations offer the peer's table, which
 * answers that the peer cannot be reached. Its browser sits on that lab's LAN.
 */

import { type LabPanel, startLabPanel } from '@gatehouse/demo';
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD, E2E_INITIAL_MODEL } from './model.js';
import { fetchInPage, goTo, pageOn, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

/**
 * gw-b's panel: a port nothing listens on, on the gateway's own loopback
 * (connection refused at once). Not a low one such as 9: fetch refuses the
 * "bad ports" of the Fetch standard before connecting at all.
 */
const PEER_URL = 'http://127.0.0.1:8099';

const PAIR_MODEL = {
  ...E2E_INITIAL_MODEL,
  ha: {
    nodes: [
      { name: 'gw-a', apiUrl: 'http://192.168.1.1:8080', syncAddress: '10.9.0.1', priority: 150 },
      { name: 'gw-b', apiUrl: PEER_URL, syncAddress: '10.9.0.2', priority: 100 },
    ],
    // The gateway's own addresses stand for the virtual ones: this node holds both (MASTER) without keepalived.
    vrrp: {
      wan: { routerId: 71, address: '192.0.2.2/24' },
      lan: { routerId: 72, address: '192.168.1.1/24' },
      authSecret: 'e2epair',
    },
    syncInterface: 'eth2',
    peerToken: 'e2e-pair-peer-token-0123456789abcdefghij',
  },
};

let panel: LabPanel | undefined;
let side: Awaited<ReturnType<typeof pageOn>> | undefined;
let page: Page;

test.beforeAll(async () => {
  panel = await startLabPanel({
    adminPassword: E2E_ADMIN_PASSWORD,
    initialModel: PAIR_MODEL,
    listenOn: 'all',
    serverOutput: process.env.GATEHOUSE_E2E_SERVER_LOG ? 'inherit' : 'ignore',
    env: { GATEHOUSE_HA_NODE: 'gw-a', GATEHOUSE_HA_ENGINES: 'off' },
  });
  const reach = panel.reach;
  if (!reach) throw new Error('the lab panel did not report its LAN address');
  side = await pageOn(reach.lan);
  page = side.page;
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
});
test.afterAll(async () => {
  await side?.close();
  await panel?.stop();
});

test('an apply with the peer unreachable is refused, then applied on this node only', async () => {
  await goTo(page, 'Apply');
  await page.getByLabel('Roll back automatically unless confirmed within').selectOption('30');
  await page.getByLabel('Comment').fill('first pair revision');
  await page.getByRole('button', { name: 'Apply with rollback timer' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'Not applied: the peer gw-b cannot be reached.' });
  await expect(refusal).toBeVisible();
  await expect(refusal).toContainText('a change goes to both nodes or to neither; nothing was changed');
  await snap(page, 'pair-apply-degraded');
  // Nothing was applied: no revision, no table.
  const before = await fetchInPage(page, '/api/v1/revisions');
  expect((before.json as { items: unknown[] }).items).toEqual([]);

  await refusal.getByRole('button', { name: 'Apply on this node only' }).click();
  await expect(page.getByText(/Revision \d+ is confirmed/).first()).toBeVisible({ timeout: 30_000 });
  const after = await fetchInPage(page, '/api/v1/revisions');
  const [applied] = (after.json as { items: Array<{ status: string; nodes: string[] | null; active: boolean }> }).items;
  expect(applied).toMatchObject({ status: 'confirmed', active: true, nodes: ['gw-a'] });
});

test('History shows the revision held by gw-a only', async () => {
  await goTo(page, 'History');
  const table = page.getByRole('table', { name: 'Revisions' });
  await expect(table.getByRole('columnheader', { name: 'Nodes' })).toBeVisible();
  const row = table.getByRole('row').filter({ has: page.getByRole('list', { name: 'Held by gw-a' }) });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('this node only')).toBeVisible();
  await expect(row.getByText('first pair revision')).toBeVisible();
  await snap(page, 'pair-history-this-node-only');
});

test('the Pair page shows the pair degraded and the peer unreachable; a failover says why not here', async () => {
  await goTo(page, 'Pair');
  const banner = page.getByRole('alert').filter({ hasText: 'Degraded: the peer gw-b cannot be reached' });
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Applying now needs the override "Apply on this node only"');
  const peer = page.getByRole('definition').filter({ hasText: /^no$/ });
  await expect(peer).toBeVisible();
  await expect(page.getByText('Its panel answers')).toBeVisible();
  // Why: the peer's connection error as GET /pair reports it.
  await expect(banner).toContainText(/ECONNREFUSED|refused/i);
  await snap(page, 'pair-degraded');
  // This node holds the virtual addresses (they are its own), but Gatehouse runs no keepalived here.
  await page.getByRole('button', { name: 'Fail over to gw-b' }).click();
  await expect(page.getByText(/This node gives up the virtual addresses/)).toBeVisible();
  await page.getByRole('button', { name: 'Yes, fail over' }).click();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Gatehouse does not run keepalived on this node' }),
  ).toBeVisible();

  // The same page in Japanese.
  await page.getByLabel('Language').selectOption('ja');
  await expect(page.getByRole('heading', { name: '縮退中: 相手の gw-b に到達できません' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'gw-b にフェイルオーバー' })).toBeVisible();
  await snap(page, 'pair-degraded-ja');
  await page.getByLabel('言語').selectOption('en');
  await expect(page.getByRole('heading', { level: 1, name: 'Pair' })).toBeVisible();
});

test('Connections and Expectations offer the peer’s table, which says the peer cannot be reached', async () => {
  await goTo(page, 'Connections');
  const node = page.getByLabel('Node', { exact: true });
  await expect(node.locator('option')).toHaveText(['This node (gw-a)', 'gw-b']);
  // This node's own table first: the panel connection of this very browser is in it.
  await expect(page.getByRole('table', { name: 'Connection tracking table' })).toBeVisible();
  await node.selectOption('gw-b');
  await expect(page).toHaveURL(/node=gw-b/);
  await expect(page.getByText('The peer gw-b cannot be reached: its table cannot be shown now.')).toBeVisible();
  await expect(
    page.getByText(/The table of gw-b is read from its panel every few seconds, not streamed/),
  ).toBeVisible();
  await snap(page, 'pair-connections-peer');

  await goTo(page, 'Expectations');
  await page.getByLabel('Node', { exact: true }).selectOption('gw-b');
  await expect(page.getByText('The peer gw-b cannot be reached: its table cannot be shown now.')).toBeVisible();
  await page.getByLabel('Node', { exact: true }).selectOption('');
  await expect(page.getByText('The peer gw-b cannot be reached: its table cannot be shown now.')).toHaveCount(0);
});
