/**
 * The screenshot tour: every page of the main navigation (whatever it lists
 * today), the login page and the phone menu, at 1280x800 and 390x844, in
 * English and Japanese, light and dark, into test-results/screenshots/ for a
 * person to look at. Only with GATEHOUSE_SCREENSHOTS=1:
 *
 *   GATEHOUSE_SCREENSHOTS=1 npx playwright test --config e2e/playwright.config.ts e2e/tests/screenshots.spec.ts
 *
 * It changes nothing on the gateway: it signs in and looks.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';

const OUT = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 },
] as const;
const LANGUAGES = ['en', 'ja'] as const;
const SCHEMES = ['light', 'dark'] as const;

test.skip(!process.env.GATEHOUSE_SCREENSHOTS, 'the screenshot tour runs only with GATEHOUSE_SCREENSHOTS=1');
test.describe.configure({ mode: 'serial' });

/** The page is drawn: its heading is there and nothing says "loading" any more. */
async function settled(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { level: 1 }).first()).toBeVisible();
  await expect(page.locator('.loading')).toHaveCount(0);
  await page.waitForTimeout(400);
}

async function tour(browser: Browser, vp: (typeof VIEWPORTS)[number], lang: string, scheme: string) {
  const dir = join(OUT, `${vp.name}-${lang}-${scheme}`);
  mkdirSync(dir, { recursive: true });
  const context = await browser.newContext({
    baseURL: process.env.GATEHOUSE_E2E_BASE,
    viewport: { width: vp.width, height: vp.height },
    locale: lang === 'ja' ? 'ja-JP' : 'en-US',
    colorScheme: scheme as 'light' | 'dark',
  });
  try {
    const page = await context.newPage();
    await page.goto('/login');
    await expect(page.locator('#login-username')).toBeFocused();
    await page.screenshot({ path: join(dir, '00-login.png'), fullPage: true });
    await page.locator('#login-username').fill('admin');
    await page.locator('#login-password').fill(E2E_ADMIN_PASSWORD);
    await page.locator('button[type="submit"]').click();
    await expect(page.locator('.topbar')).toBeVisible();
    await settled(page);

    const nav = page.locator('#main-nav');
    const toggle = page.locator('.menu-toggle');
    const phone = vp.name === 'phone';
    if (phone) {
      await toggle.click();
      await page.screenshot({ path: join(dir, '01-menu.png') });
    }
    const hrefs = await nav.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '/'));
    for (const [i, href] of hrefs.entries()) {
      if (phone && !(await nav.isVisible())) await toggle.click();
      await nav.locator(`a[href="${href}"]`).click();
      await expect(page).toHaveURL(new RegExp(`${href === '/' ? '/$' : href}`));
      await settled(page);
      const name = href === '/' ? 'dashboard' : href.replace(/^\//, '').replaceAll('/', '-');
      await page.screenshot({ path: join(dir, `${String(i + 2).padStart(2, '0')}-${name}.png`), fullPage: true });
    }
  } finally {
    await context.close();
  }
}

for (const vp of VIEWPORTS) {
  for (const lang of LANGUAGES) {
    for (const scheme of SCHEMES) {
      test(`tour ${vp.name} ${lang} ${scheme}`, async ({ browser }) => {
        await tour(browser, vp, lang, scheme);
      });
    }
  }
}
