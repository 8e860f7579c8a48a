/**
 * What the specs share: the lab set up by global-setup (attached by name, so
 * real FTP clients run in its client namespace), sign-in through the real
 * login page, and screenshots a person can look at afterwards.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { attachLab, type Lab, type LabInfo } from '@gatehouse/lab';
import { expect, type Page } from '@playwright/test';

export const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'e2e', 'screenshots');
mkdirSync(SCREENSHOTS, { recursive: true });

let attached: Lab | undefined;
export function lab(): Lab {
  const info = process.env.GATEHOUSE_E2E_LAB;
  if (!info) throw new Error('GATEHOUSE_E2E_LAB is not set: run through playwright.config.ts (global setup)');
  attached ??= attachLab(JSON.parse(info) as LabInfo);
  return attached;
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
 * Applies the desired state from the Apply page. With `confirm`, clicks "Keep
 * this change" in the countdown banner; without, leaves it to roll back.
 */
export async function applyFromUi(page: Page, opts: { confirm: boolean; comment: string }): Promise<void> {
  await goTo(page, 'Apply');
  await page.getByLabel('Roll back automatically unless confirmed within').selectOption('30');
  await page.getByLabel('Comment').fill(opts.comment);
  await page.getByRole('button', { name: 'Apply with rollback timer' }).click();
  const banner = page.getByRole('region', { name: 'Waiting for confirmation' });
  await expect(banner).toBeVisible();
  if (opts.confirm) {
    await banner.getByRole('button', { name: 'Keep this change' }).click();
    await expect(page.getByText(/Revision \d+ is confirmed\./)).toBeVisible();
  }
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
