/**
 * GATEHOUSE_ADMIN_PASSWORD's strength (zxcvbn, ~0.5 s to load) is checked
 * when the first user is made from it, not by loadConfig at every start
 * (bench 15.6). The real server process: a weak one on an empty store still
 * stops the start with loadConfig's message and exit code 2, and makes no
 * user; once a user exists the variable is not used, and the server starts.
 * And the start's warning when node lacks the server's flags (node-flags.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { SERVER_NODE_FLAGS } from '../src/node-flags.js';
import { ADMIN_PASSWORD, createNetns, type Netns, tempDir } from './helpers.js';

const SERVER = join(dirname(fileURLToPath(import.meta.url)), '../dist/server.js');
const WEAK = 'aaaaaaaaaaaaaaaa';
const WEAK_LINE =
  /^gatehouse: invalid configuration:\n {2}- GATEHOUSE_ADMIN_PASSWORD \(--admin-password\): the admin password is not acceptable: too easy to guess \(strength \d of 4, needs 3\)/;

let ns: Netns;
let state: ReturnType<typeof tempDir>;

/** Runs the server (node given `flags`) until it answers /health (then stops it) or exits by itself. */
async function run(
  password: string,
  flags: readonly string[] = SERVER_NODE_FLAGS,
): Promise<{ code: number | null; stderr: string; stdout: string; served: boolean }> {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, [...flags, SERVER], {
    env: {
      ...process.env,
      GATEHOUSE_LISTEN: `127.0.0.1:${port}`,
      GATEHOUSE_STATE_DIR: state.path,
      GATEHOUSE_ADMIN_PASSWORD: password,
      GATEHOUSE_NETNS: ns.name,
      GATEHOUSE_CONNTRACK: 'false',
      GATEHOUSE_LOG_LEVEL: 'warn',
      NODE_OPTIONS: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stderr?.on('data', (b: Buffer) => {
    stderr += b.toString();
  });
  proc.stdout?.on('data', (b: Buffer) => {
    stdout += b.toString();
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let served = false;
  const deadline = Date.now() + 20_000;
  try {
    while (proc.exitCode === null && Date.now() < deadline) {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => null);
      if (res?.ok) {
        served = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    if (proc.exitCode === null) proc.kill('SIGTERM');
  }
  return { code: await exited, stderr, stdout, served };
}

const users = () => {
  const db = new Database(join(state.path, 'gatehouse.db'), { readonly: true });
  try {
    return (db.prepare('SELECT username FROM users').all() as Array<{ username: string }>).map((u) => u.username);
  } finally {
    db.close();
  }
};

beforeAll(() => {
  if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: npm run build -w @gatehouse/server`);
  ns = createNetns();
  state = tempDir();
});

afterAll(() => {
  ns?.destroy();
  state?.remove();
});

describe('the first admin’s password', () => {
  it('is checked for shape by loadConfig, for strength only when it is used', () => {
    expect(loadConfig({ GATEHOUSE_ADMIN_PASSWORD: WEAK }).adminPassword).toBe(WEAK);
    for (const [password, why] of [
      ['short-pw', /at least 12/],
      ['admin-password-for-tests', /username/],
    ] as const) {
      try {
        loadConfig({ GATEHOUSE_ADMIN_PASSWORD: password });
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).problems.join('\n')).toMatch(why);
      }
    }
  });

  it('stops the first start when weak (exit 2, loadConfig’s message, no user), and is not used afterwards', async () => {
    const weak = await run(WEAK);
    expect(weak.served).toBe(false);
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(WEAK_LINE);
    expect(users()).toEqual([]);

    const strong = await run(ADMIN_PASSWORD);
    expect(strong.served, strong.stderr).toBe(true);
    expect(users()).toEqual(['admin']);

    // A user exists: the variable makes nothing, so its strength does not stop the start.
    const later = await run(WEAK);
    expect(later.served, later.stderr).toBe(true);
    expect(users()).toEqual(['admin']);
  }, 60_000);
});

describe('node’s flags (node-flags.ts)', () => {
  const WARNING = /started without the flags the server runs with/;
  it('a start without them is served, and warns with the flags it lacks', async () => {
    const bare = await run(ADMIN_PASSWORD, []);
    expect(bare.served, bare.stderr).toBe(true);
    const warning = bare.stdout.split('\n').find((l) => WARNING.test(l));
    expect(warning, bare.stdout).toBeDefined();
    expect(JSON.parse(warning as string).missing).toEqual([...SERVER_NODE_FLAGS]);
  }, 30_000);
  it('a start with them does not warn', async () => {
    const given = await run(ADMIN_PASSWORD);
    expect(given.served, given.stderr).toBe(true);
    expect(given.stdout).not.toMatch(WARNING);
  }, 30_000);
});
