/**
 * The install command lays out a real gateway installation under a root
 * directory (the same staging the Dockerfile's build stage runs), and the
 * installed tree runs: the server starts from /opt/gatehouse with the
 * installed configuration, serves the UI and the API, applies a ruleset in
 * its (throwaway) namespace and writes the boot include where the unit loads it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(import.meta.dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'gatehouse-install-'));
let ns: Netns | undefined;

describe('npm run install-gateway -- --root DIR', () => {
  let server: ReturnType<typeof spawn> | undefined;

  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('the install test needs root');
    execFileSync(process.execPath, [join(repo, 'scripts/install-gateway.mjs'), '--root', root, '--skip-build'], {
      stdio: 'inherit',
      cwd: repo,
    });
  });
  afterAll(() => {
    server?.kill('SIGKILL');
    ns?.destroy();
    rmSync(root, { recursive: true, force: true });
  });

  it('lays out the server, the web UI, production dependencies, units and a private config', () => {
    const opt = join(root, 'opt/gatehouse');
    expect(existsSync(join(opt, 'apps/server/dist/server.js'))).toBe(true);
    expect(existsSync(join(opt, 'apps/web/dist/index.html'))).toBe(true);
    expect(existsSync(join(opt, 'node_modules/better-sqlite3'))).toBe(true);
    // Production dependencies only: no test runner, no bundler, no browser driver.
    for (const dev of ['vitest', 'vite', '@playwright/test', 'typescript']) {
      expect(existsSync(join(opt, 'node_modules', dev)), dev).toBe(false);
    }
    expect(existsSync(join(root, 'etc/systemd/system/gatehouse.service'))).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/gatehouse-rules.service'))).toBe(true);
    expect(statSync(join(root, 'etc/gatehouse/gatehouse.env')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(root, 'etc/nftables.d'))).toBe(true);
    // The operator's nftables.conf is none of our business.
    expect(existsSync(join(root, 'etc/nftables.conf'))).toBe(false);
  });

  it('the installed server runs with the installed configuration, applies, and persists for boot', async () => {
    const netns = createNetns('gh-install');
    ns = netns;
    const env = Object.fromEntries(
      readFileSync(join(root, 'etc/gatehouse/gatehouse.env'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    server = spawn(
      'ip',
      ['netns', 'exec', netns.name, process.execPath, join(root, 'opt/gatehouse/apps/server/dist/server.js')],
      {
        env: {
          PATH: process.env.PATH,
          ...env,
          // Inside the test root instead of the real /var/lib and /etc:
          GATEHOUSE_STATE_DIR: join(root, 'var/lib/gatehouse'),
          GATEHOUSE_NFT_INCLUDE_DIR: join(root, 'etc/nftables.d'),
          GATEHOUSE_MODULES_LOAD_DIR: join(root, 'etc/modules-load.d'),
          GATEHOUSE_ADMIN_PASSWORD: 'install-test-password',
          GATEHOUSE_CONNTRACK: 'false',
        },
        stdio: 'ignore',
      },
    );
    const base = 'http://127.0.0.1:8080';
    const curl = (args: string[]) => netns.exec('curl', ['-sS', '--max-time', '5', ...args]);
    await expect
      .poll(
        () => {
          try {
            return curl([`${base}/api/v1/health`]);
          } catch {
            return '';
          }
        },
        { timeout: 20_000 },
      )
      .toContain('"ok":true');
    expect(curl([`${base}/`])).toContain('<div id="root">');
    const jar = join(root, 'jar');
    const login = JSON.parse(
      curl([
        '-c',
        jar,
        '-H',
        'content-type: application/json',
        '-d',
        '{"username":"admin","password":"install-test-password"}',
        `${base}/api/v1/auth/login`,
      ]),
    ) as { csrfToken: string };
    const post = (path: string, body: string) =>
      curl([
        '-b',
        jar,
        '-H',
        'content-type: application/json',
        '-H',
        `x-gatehouse-csrf: ${login.csrfToken}`,
        '-d',
        body,
        `${base}${path}`,
      ]);
    post('/api/v1/apply', '{}');
    expect(netns.exec('nft', ['list', 'tables'])).toContain('table ip gatehouse');
    await expect.poll(() => existsSync(join(root, 'etc/nftables.d/gatehouse.nft')), { timeout: 5000 }).toBe(true);
  });
});
