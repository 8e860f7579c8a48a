/**
 * What the specs share: the lab set up by global-setup (attached by name, so
 * real FTP clients run in its client namespace), browsers on either side of
 * the lab gateway, sign-in through the real login page, and screenshots a
 * person can look at afterwards.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PanelReach } from '@gatehouse/demo';
import { attachLab, type Lab, type LabInfo } from '@gatehouse/lab';
import { type Browser, type BrowserContext, chromium, expect, type Page } from '@playwright/test';
import { BROWSER_ARGS, BROWSER_EXECUTABLE } from '../browser.js';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let attached: Lab | undefined;
export function lab(): Lab {
  const info = process.env.GATEHOUSE_E2E_LAB;
  if (!info) throw new Error('GATEHOUSE_E2E_LAB is not set: run through playwright.config.ts (global setup)');
  attached ??= attachLab(JSON.parse(info) as LabInfo);
  return attached;
}

/**
 * Where the panel of the global-setup lab is, seen from each side of the
 * gateway: `lan` = a browser in the server namespace (192.168.1.2) opening
 * http://192.168.1.1:8080 (the default `page` of every spec sits there);
 * `wan` = a browser in the client namespace (192.0.2.101) opening
 * http://192.0.2.2:8080, whose connection crosses the gateway's WAN interface,
 * so the gateway's nft rules (prerouting DNAT, forwards) act on it.
 */
export function panelReach(): { lan: PanelReach; wan: PanelReach } {
  const reach = process.env.GATEHOUSE_E2E_REACH;
  if (!reach) throw new Error('GATEHOUSE_E2E_REACH is not set: run through playwright.config.ts (global setup)');
  return JSON.parse(reach) as { lan: PanelReach; wan: PanelReach };
}

/**
 * A Chromium of its own inside the lab namespace `ns` (any lab's, e.g. one a
 * spec starts itself). Close it when done (`await browser.close()`); the
 * lab's destroy() would also end it.
 */
export function launchBrowserIn(ns: string): Promise<Browser> {
  return chromium.launch({
    executablePath: BROWSER_EXECUTABLE,
    args: BROWSER_ARGS,
    env: { ...process.env, GATEHOUSE_E2E_BROWSER_NS: ns },
  });
}

/**
 * A page in a browser on one side of the lab gateway, with `base` as its
 * baseURL (so `page.goto('/')` and signIn() work). For example, a lockout
 * spec whose browser must come from the WAN:
 *
 *   const wan = await pageOn(panelReach().wan);
 *   try {
 *     await signIn(wan.page, 'admin', E2E_ADMIN_PASSWORD);
 *     // ... apply a rule that would cut 192.0.2.101 -> 192.0.2.2:8080 ...
 *   } finally {
 *     await wan.close();
 *   }
 *
 * `ignoreHTTPSErrors` is for a panel serving the generated self-signed certificate.
 */
export async function pageOn(
  reach: PanelReach,
  opts: { ignoreHTTPSErrors?: boolean } = {},
): Promise<{ browser: Browser; context: BrowserContext; page: Page; close(): Promise<void> }> {
  const browser = await launchBrowserIn(reach.ns);
  try {
    const context = await browser.newContext({
      baseURL: reach.base,
      viewport: { width: 1400, height: 900 },
      ignoreHTTPSErrors: opts.ignoreHTTPSErrors ?? false,
    });
    const page = await context.newPage();
    return { browser, context, page, close: () => browser.close() };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * An API call made by the page itself (its cookies, its network position),
 * not by the test process: the test process is on the host, which has no
 * route into the lab.
 */
export async function fetchInPage(
  page: Page,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ path, method, headers, body }) => {
      const r = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      let json: unknown = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: r.status, json };
    },
    { path, method: init.method ?? 'GET', headers: init.headers ?? {}, body: init.body },
  );
}

export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
}

export async function goTo(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

export async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Applies the desired state from the Apply page. The UI applies provisionally
 * and confirms by itself once the panel answers over a new connection (so a
 * change that cuts the admin off rolls back); this waits for that.
 */
export async function applyFromUi(page: Page, opts: { comment: string }): Promise<void> {
  await goTo(page, 'Apply');
  await page.getByLabel('Roll back automatically unless confirmed within').selectOption('30');
  await page.getByLabel('Comment').fill(opts.comment);
  await page.getByRole('button', { name: 'Apply with rollback timer' }).click();
  await expect(page.getByText(/Revision \d+ is confirmed/).first()).toBeVisible({ timeout: 30_000 });
}

/**
 * An apply that nobody confirms, so the server rolls it back after
 * `seconds`. The UI no longer leaves an apply unconfirmed while the panel is
 * reachable, so this is the API call a script would make, sent from the
 * page (its session); the page then shows the countdown banner.
 */
export async function applyUnconfirmed(page: Page, opts: { comment: string; seconds: number }): Promise<void> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  const { csrfToken } = me.json as { csrfToken: string };
  const r = await fetchInPage(page, '/api/v1/apply', {
    method: 'POST',
    headers: { 'x-gatehouse-csrf': csrfToken },
    body: { comment: opts.comment, confirmWithinSeconds: opts.seconds },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  await expect(page.getByRole('region', { name: 'Waiting for confirmation' })).toBeVisible();
}

/** A TCP connection from the public client that stays open and reports when it ends. */
export function openLongConnection(port: number) {
  const script = String.raw`
const net = require('node:net');
const s = net.connect({ host: '192.0.2.2', port: Number(process.argv[1]) });
s.setEncoding('utf8');
s.on('data', (d) => process.stdout.write('data ' + JSON.stringify(d) + '\n'));
const tick = setInterval(() => { if (!s.destroyed) s.write('ping\n'); }, 300);
const end = (why) => { clearInterval(tick); process.stdout.write('closed ' + why + '\n'); process.exit(0); };
s.on('error', (e) => end(e.code || e.message));
s.on('close', () => end('close'));
setTimeout(() => end('timeout'), 60000);
`;
  const child = lab().spawn('client', process.execPath, ['-e', script, String(port)], {
    stdout: 'pipe',
    buffer: false,
  });
  let out = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (d: string) => {
    out += d;
  });
  return {
    output: () => out,
    closed: () => /closed /.test(out),
    stop: () => child.kill('SIGKILL'),
  };
}

// --- Shared set-up of the specs (H4): the applied model changed and put back, page loads watched, screenshots. ---

/** GET /config, or PUT it with `?apply=true`, from the page, with the ETag (fetchInPage does not return headers). */
export async function configInPage(
  page: Page,
  body?: unknown,
  etag?: string,
): Promise<{ status: number; etag: string; json: unknown }> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  const { csrfToken } = me.json as { csrfToken: string };
  return page.evaluate(
    async ({ body, etag, csrfToken }) => {
      const r = await fetch(body === undefined ? '/api/v1/config' : '/api/v1/config?apply=true', {
        method: body === undefined ? 'GET' : 'PUT',
        headers: {
          'content-type': 'application/json',
          'x-gatehouse-csrf': csrfToken,
          ...(etag ? { 'if-match': etag } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: r.status, etag: r.headers.get('etag') ?? '', json: (await r.json()) as unknown };
    },
    { body, etag, csrfToken },
  );
}

/**
 * For a spec's beforeAll: signed in as `admin` on a page of its own, reads
 * the model (returned, to be put back by restoreAppliedModel) and, given
 * `change`, applies a copy changed by it.
 */
export async function changeAppliedModel<M = Record<string, unknown>>(
  browser: Browser,
  password: string,
  change?: (model: M) => void,
): Promise<unknown> {
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', password);
    const got = await configInPage(page);
    if (change) {
      const model = structuredClone(got.json) as M;
      change(model);
      const put = await configInPage(page, model, got.etag);
      expect(put.status, JSON.stringify(put.json)).toBe(200);
    }
    return got.json;
  } finally {
    await page.close();
  }
}

/** For a spec's afterAll: applies the model changeAppliedModel returned again (nothing when it never ran). */
export async function restoreAppliedModel(browser: Browser, password: string, original: unknown): Promise<void> {
  if (original === undefined) return;
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', password);
    const now = await configInPage(page);
    const put = await configInPage(page, original, now.etag);
    expect(put.status, JSON.stringify(put.json)).toBe(200);
  } finally {
    await page.close();
  }
}

/**
 * What the page loads, recorded from now on: `failed`, the page itself, its
 * scripts and stylesheets that did not load (an API poll cancelled by a
 * navigation is no failure); `assets`, each script and stylesheet as
 * `<type> <status> <url>`.
 */
export function watchPageLoads(page: Page): { failed: string[]; assets: string[] } {
  const failed: string[] = [];
  const assets: string[] = [];
  page.on('requestfailed', (r) => {
    if (['document', 'script', 'stylesheet'].includes(r.resourceType()))
      failed.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  page.on('response', (r) => {
    const type = r.request().resourceType();
    if (type === 'script' || type === 'stylesheet') assets.push(`${type} ${r.status()} ${r.url()}`);
  });
  return { failed, assets };
}

/** The page's localStorage (the e2e project has no DOM types). */
interface PageStorage {
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Screenshots `<name>-<w>x<h>-<lang>-<theme>` of the page in English and
 * Japanese, light and dark, desktop and phone, each once its heading
 * (`heading[lang]`) and `ready(page)` are visible; then English, the system
 * theme and a 1400x900 viewport again.
 */
export async function snapAllStyles(
  page: Page,
  name: string,
  heading: { en: string; ja: string },
  ready: (page: Page) => ReturnType<Page['locator']>,
): Promise<void> {
  for (const lang of ['en', 'ja'] as const) {
    for (const theme of ['light', 'dark'] as const) {
      await page.evaluate(
        ([l, th]) => {
          const storage = (globalThis as unknown as { localStorage: PageStorage }).localStorage;
          storage.setItem('gatehouse.lang', l);
          storage.setItem('gatehouse.theme', th);
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
        await expect(ready(page)).toBeVisible();
        await snap(page, `${name}-${w}x${h}-${lang}-${theme}`);
      }
    }
  }
  await page.evaluate(() => {
    const storage = (globalThis as unknown as { localStorage: PageStorage }).localStorage;
    storage.setItem('gatehouse.lang', 'en');
    storage.removeItem('gatehouse.theme');
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.reload();
}

/** The session's CSRF token, as the page's own API calls send it. */
export async function csrfToken(page: Page): Promise<string> {
  return ((await fetchInPage(page, '/api/v1/auth/me')).json as { csrfToken: string }).csrfToken;
}

/** Puts `model` back as the desired state and applies it, from the page (a spec's finally block). */
export async function applyModelFromPage(page: Page, model: unknown): Promise<void> {
  const now = await configInPage(page);
  const put = await configInPage(page, model, now.etag);
  expect(put.status, JSON.stringify(put.json)).toBe(200);
}
