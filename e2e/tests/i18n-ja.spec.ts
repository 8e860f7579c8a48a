/**
 * Issue #12, languages: an operator who switches to Japanese sees no English
 * anywhere. As admin, every page, its forms and its typical errors (a field
 * error found before sending, a server 400 with field problems, a 409), and
 * the dashboard as a viewer: every visible text node, aria-label, title and
 * placeholder is read in the page and any English word fails the test, except
 * the product name, protocol and technical tokens, and data from the lab
 * itself (names, ids, addresses, users) that the operator typed. Code blocks
 * (the nft script, diffs) are nft's language, not the UI's, and are skipped.
 * The viewer and anything else created here are removed at the end.
 */
/// <reference lib="dom" />
import { expect, type Page, test } from '@playwright/test';
import { E2E_ADMIN_PASSWORD } from './model.js';
import { fetchInPage, signIn, snap } from './support.js';

test.describe.configure({ mode: 'serial' });

/** What the Japanese UI says (apps/web/src/locales/ja.ts), as the operator reads it. */
const JA = {
  forwardsAdd: 'フォワードを追加',
  forwardsNew: '新しいポートフォワード',
  publicPorts: '公開ポート',
  target: '転送先サーバー',
  save: '保存',
  rangeBackwards: '範囲 70-60 の順序が逆です。',
  addUser: 'ユーザーを追加',
  username: 'ユーザー名',
  password: 'パスワード',
  tooEasy: /^推測されやすすぎます/,
  exists: 'すでに存在します。',
  signIn: 'サインイン',
  wrongPassword: 'ユーザー名またはパスワードが違います。',
  dashboard: 'ダッシュボード',
};

const VIEWER = 'e2e-ja-viewer';
const VIEWER_PASSWORD = 'Lacquer-willow-tundra-64';

/** Words that are the same in a Japanese UI: the product, protocols, units, technical names. */
const ALLOWED = new Set(
  [
    'Gatehouse',
    'TCP',
    'UDP',
    'FTP',
    'FTPS',
    'TFTP',
    'PASV',
    'EPSV',
    'PORT',
    'nft',
    'nftables',
    'NAT',
    'DNAT',
    'SNAT',
    'IPv4',
    'IPv6',
    'IP',
    'ID',
    'API',
    'CSV',
    'JSON',
    'URL',
    'HTTP',
    'HTTPS',
    'ssh',
    'SSH',
    'WAN',
    'LAN',
    'ms',
    'MB',
    'KB',
    'GB',
    'KiB',
    'MiB',
    'GiB',
    'TiB',
    'B',
    'conntrack',
    'icmp',
    // TCP states as the kernel's conntrack table names them (the Connections filter offers them as such).
    'ESTABLISHED',
    'CLOSE',
    'LISTEN',
    'NONE',
    'ct',
    'CPU',
    // The conntrack state the FTP helper's explanation names (ct state related).
    'related',
    'English',
    // The HA engines and VRRP's state names, as their own tools print them.
    'keepalived',
    'conntrackd',
    'VRRP',
    'MASTER',
    'BACKUP',
    // The tools an import reads rulesets of, and protocols named as such.
    'firewalld',
    'iptables',
    'Docker',
    'OpenWrt',
    'DHCP',
    'tcp',
    'udp',
    'both',
  ].map((w) => w.toLowerCase()),
);

/** The strings of the lab's own data (names, ids, comments, users, interfaces): the operator's words. */
async function labWords(page: Page): Promise<Set<string>> {
  const words = new Set<string>();
  const add = (value: unknown): void => {
    if (typeof value === 'string') for (const w of value.match(/[A-Za-z]+/g) ?? []) words.add(w.toLowerCase());
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // Audit actions (login, user.create) are event codes the operator filters by, shown as code.
        const data = ['name', 'id', 'comment', 'username', 'actor', 'target', 'action', 'wan', 'lan', 'table'];
        if (data.includes(k)) {
          add(v);
        } else if (typeof v === 'object') add(v);
      }
    }
  };
  const paths = [
    '/api/v1/config',
    '/api/v1/revisions',
    '/api/v1/users',
    '/api/v1/tokens',
    '/api/v1/audit',
    '/api/v1/status',
  ];
  for (const path of paths) {
    add((await fetchInPage(page, path)).json);
  }
  return words;
}

interface Finding {
  where: string;
  text: string;
}

/** Visible text, aria-labels, titles and placeholders that hold an English word (read in the page). */
async function englishOn(page: Page, allowed: Set<string>): Promise<Finding[]> {
  const found = await page.evaluate(() => {
    const out: Array<{ where: string; text: string }> = [];
    const visible = (el: Element): boolean => {
      // A closed select's options have no box, but the operator opens it and reads them.
      const select = el.closest('select');
      if (select && select !== el) return visible(select);
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') return false;
      return (el as HTMLElement).getClientRects().length > 0;
    };
    const nameOf = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ')[0]}` : ''}`;
    // Code is nft's and the shell's language, not the UI's.
    const skip = (el: Element | null) => !!el?.closest('pre, code, kbd, samp, [data-i18n-skip], .uplot .u-axis');
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      const text = n.textContent?.trim() ?? '';
      // Visually hidden text (labels for screen readers) has a 1px box: it counts.
      if (!text || !el || skip(el) || !visible(el)) continue;
      // An audit entry's details are the JSON the server recorded: data, not language.
      if (/^\{.*\}$/.test(text) && el.classList.contains('mono')) continue;
      out.push({ where: nameOf(el), text });
    }
    for (const el of Array.from(document.body.querySelectorAll('[aria-label], [title], [placeholder], [alt]'))) {
      if (skip(el)) continue;
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt']) {
        const v = el.getAttribute(attr);
        if (v?.trim()) out.push({ where: `${nameOf(el)}[${attr}]`, text: v });
      }
    }
    // The document title is in the tab and read out by screen readers.
    out.push({ where: 'document.title', text: document.title });
    return out;
  });
  return found.filter(({ text }) => englishWords(text, allowed).length > 0);
}

/**
 * The English words of a text. A token with a digit, dot, underscore, slash or
 * equals sign inside is an identifier (eth0, nf_nat_ftp, user.create,
 * 192.0.2.2/24, CONFIG_NF_NAT_FTP=y), not language.
 */
function englishWords(text: string, allowed: Set<string>): string[] {
  const out: string[] = [];
  for (const raw of text.match(/[A-Za-z0-9_./:=@+'-]+/g) ?? []) {
    const token = raw.replace(/^[.:=/'-]+|[.:=/'-]+$/g, '');
    if (!/[A-Za-z]/.test(token) || /[0-9_./=:@]/.test(token)) continue;
    for (const w of token.split(/[-+']/)) if (w && !allowed.has(w.toLowerCase())) out.push(w);
  }
  return out;
}

async function expectJapanese(page: Page, where: string, allowed: Set<string>): Promise<void> {
  // Queries settle (loading texts are translated too, but a spinner mid-way proves less).
  await page.waitForLoadState('networkidle').catch(() => undefined);
  const findings = await englishOn(page, allowed);
  // Soft: one run lists every page's English, not only the first page's.
  expect
    .soft(findings, `English on ${where}:\n${findings.map((f) => `  ${f.where}: ${f.text}`).join('\n')}`)
    .toEqual([]);
}

async function csrf(page: Page): Promise<Record<string, string>> {
  const me = await fetchInPage(page, '/api/v1/auth/me');
  return { 'x-gatehouse-csrf': (me.json as { csrfToken: string }).csrfToken };
}

async function removeViewer(page: Page): Promise<void> {
  const headers = await csrf(page);
  const users = (await fetchInPage(page, '/api/v1/users')).json as { items: Array<{ id: number; username: string }> };
  for (const u of users.items.filter((x) => x.username === VIEWER)) {
    await fetchInPage(page, `/api/v1/users/${u.id}`, { method: 'DELETE', headers });
  }
}

/** Japanese from the first page on: the language switch in the header, as an operator does it. */
async function switchToJapanese(page: Page): Promise<void> {
  await page.getByLabel('Language').selectOption('ja');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
}

test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  try {
    await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
    await removeViewer(page);
  } finally {
    await page.close();
  }
});

/** Every page and its title in Japanese. */
const PAGES: Array<[string, string]> = [
  ['/', 'ダッシュボード'],
  ['/forwards', 'ポートフォワード'],
  ['/gateway', 'ゲートウェイ'],
  ['/ftp', 'ヘルパー'],
  ['/ftp-doctor', 'ヘルパー診断'],
  ['/apply', '適用'],
  ['/history', '履歴'],
  ['/connections', 'コネクション'],
  ['/expectations', 'エクスペクテーション'],
  ['/import', 'インポート'],
  ['/pair', 'ペア'],
  ['/access', 'アクセス管理'],
];

test('every page in Japanese has no English, as admin', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await switchToJapanese(page);
  const allowed = new Set([...ALLOWED, ...(await labWords(page))]);
  for (const [path, title] of PAGES) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
    await expectJapanese(page, path, allowed);
    await snap(page, `ja${path === '/' ? '-dashboard' : path.replace('/', '-')}`);
  }
  await page.goto('/no-such-page');
  await expectJapanese(page, 'the not-found page', allowed);
});

test('the forward form and its errors are Japanese: before sending, and from the server', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await switchToJapanese(page);
  const allowed = new Set([...ALLOWED, ...(await labWords(page))]);
  await page.goto('/forwards');
  await page.getByRole('button', { name: JA.forwardsAdd }).click();
  const form = page.getByRole('form', { name: JA.forwardsNew });
  await expect(form).toBeVisible();
  await expectJapanese(page, 'the new forward form', allowed);

  // A field error found before sending: the model's own check, said in Japanese.
  await form.getByLabel(JA.publicPorts, { exact: true }).fill('70-60');
  await form.getByLabel(JA.target, { exact: true }).fill('192.168.1.77');
  await form.getByRole('button', { name: JA.save }).click();
  await expect(form.getByText(JA.rangeBackwards)).toBeVisible();
  await expectJapanese(page, 'the forward form with a field error', allowed);
  await snap(page, 'ja-forward-field-error');
  await page.keyboard.press('Escape');
});

test('server-side errors are Japanese: a 400 with field problems and a 409', async ({ page }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  await switchToJapanese(page);
  const allowed = new Set([...ALLOWED, ...(await labWords(page)), 'admin']);
  await page.goto('/access');
  const add = page.getByRole('form', { name: JA.addUser });
  // 400 from the server: only it knows the password is too easy to guess (zxcvbn).
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/users') && r.request().method() === 'POST');
  await add.getByLabel(JA.username, { exact: true }).fill('e2e-ja-weak');
  await add.getByLabel(JA.password, { exact: true }).fill('qwertyuiop123');
  await add.getByRole('button', { name: JA.addUser }).click();
  expect((await refused).status()).toBe(400);
  await expect(add.getByText(JA.tooEasy)).toBeVisible();
  await expectJapanese(page, 'the add-user form with a server 400', allowed);
  await snap(page, 'ja-access-400');

  // 409: the user exists already.
  await add.getByLabel(JA.username, { exact: true }).fill('admin');
  await add.getByLabel(JA.password, { exact: true }).fill(VIEWER_PASSWORD);
  await add.getByRole('button', { name: JA.addUser }).click();
  await expect(page.getByText(JA.exists)).toBeVisible();
  await expectJapanese(page, 'the add-user form with a 409', allowed);
  await snap(page, 'ja-access-409');
});

test('the sign-in page and a wrong password are Japanese', async ({ browser }) => {
  const context = await browser.newContext();
  await context.addInitScript(() => localStorage.setItem('gatehouse.lang', 'ja'));
  const page = await context.newPage();
  try {
    await page.goto('/login');
    await expect(page.getByRole('heading', { level: 1, name: JA.signIn })).toBeVisible();
    await expectJapanese(page, 'the sign-in page', ALLOWED);
    await page.getByLabel(JA.username, { exact: true }).fill('nobody');
    await page.getByLabel(JA.password, { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: JA.signIn }).click();
    await expect(page.getByText(JA.wrongPassword)).toBeVisible();
    await expectJapanese(
      page,
      'the sign-in page after a wrong password',
      new Set([...ALLOWED, 'nobody', 'not', 'the', 'password']),
    );
    await snap(page, 'ja-login-wrong-password');
  } finally {
    await context.close();
  }
});

test('the dashboard in Japanese has no English, as a viewer', async ({ page, browser }) => {
  await signIn(page, 'admin', E2E_ADMIN_PASSWORD);
  const headers = await csrf(page);
  await removeViewer(page);
  const created = await fetchInPage(page, '/api/v1/users', {
    method: 'POST',
    headers,
    body: { username: VIEWER, password: VIEWER_PASSWORD, role: 'viewer' },
  });
  expect(created.status).toBe(201);
  const allowed = new Set([...ALLOWED, ...(await labWords(page))]);

  const context = await browser.newContext();
  const viewer = await context.newPage();
  try {
    await signIn(viewer, VIEWER, VIEWER_PASSWORD);
    await switchToJapanese(viewer);
    await expect(viewer.getByRole('heading', { level: 1, name: JA.dashboard })).toBeVisible();
    await expectJapanese(viewer, 'the dashboard (viewer)', allowed);
    await snap(viewer, 'ja-dashboard-viewer');
  } finally {
    await context.close();
  }
});
