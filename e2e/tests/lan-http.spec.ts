/**
 * The panel over plain HTTP on the gateway's LAN address (the usual way to
 * reach a gateway's panel): it renders, every script and stylesheet loads,
 * and the server sends neither HSTS nor CSP upgrade-insecure-requests, which
 * would send the browser to https:// for each of them and leave a blank page
 * (issue #10). The default page of every spec sits on the LAN side.
 */
import { expect, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { panelReach, signIn, watchPageLoads } from './support.js';

test('over plain HTTP on 192.168.1.1 the panel renders and signs in; no HSTS, no upgrade-insecure-requests', async ({
  page,
}) => {
  const { lan } = panelReach();
  expect(lan.base).toBe('http://192.168.1.1:8080');
  const { failed, assets } = watchPageLoads(page);

  const response = await page.goto('/');
  expect(response?.status()).toBe(200);
  expect(page.url()).toMatch(/^http:\/\/192\.168\.1\.1:8080\//);

  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  // The UI's script and stylesheet came over plain HTTP from the LAN address (not upgraded to https).
  expect(assets.some((a) => a.startsWith('script 200 http://192.168.1.1:8080/'))).toBe(true);
  expect(assets.some((a) => a.startsWith('stylesheet 200 http://192.168.1.1:8080/'))).toBe(true);
  expect(assets.filter((a) => !/^\w+ (200|304) http:\/\/192\.168\.1\.1:8080\//.test(a))).toEqual([]);
  expect(failed).toEqual([]);
  // Why it works: neither header that would send the browser to https.
  const headers = response?.headers() ?? {};
  expect(headers['strict-transport-security']).toBeUndefined();
  expect(headers['content-security-policy']).toContain("script-src 'self'");
  expect(headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
});
