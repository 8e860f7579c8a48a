/**
 * Test support: throwaway network namespaces (so nft and conntrack never
 * touch the host), an app built on one, and login/token helpers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns as createLabNetns, type Netns } from '@gatehouse/lab';
import { createRunner, type Runner } from '@gatehouse/rules';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { ServerConfig, type ServerConfigInput } from '../src/config.js';

/**
 * Test passwords that pass the password policy (12+ characters, zxcvbn
 * score 3+, not containing the username): the only ones test files use.
 */
export const ADMIN_PASSWORD = 'Gatehouse-tests-ocelot-Brine-47';
export const USER_PASSWORD = 'Lantern-quietly-87-orbit';
export const OTHER_PASSWORD = 'Marble-drift-53-Harbor-kiln';

/** A fresh namespace `ghs-<pid>-<hex>` with lo up; destroy() kills what runs in it and deletes it. */
export const createNetns = (): Netns => createLabNetns('ghs');
export type { Netns };

export function tempDir(prefix = 'gatehouse-test-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export const LAB_MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [] as unknown[],
};

export interface TestApp {
  app: FastifyInstance;
  state: { path: string; remove(): void };
  close(): Promise<void>;
}

export async function makeApp(
  netns: string,
  overrides: Partial<ServerConfigInput> = {},
  runner?: Runner,
): Promise<TestApp> {
  const state = tempDir();
  const config = ServerConfig.parse({
    stateDir: state.path,
    netns,
    adminPassword: ADMIN_PASSWORD,
    conntrack: 'false',
    driftIntervalMs: 60_000,
    logLevel: 'silent',
    ...overrides,
  });
  const app = await buildApp({ config, logger: false, ...(runner ? { runner } : {}) });
  await app.ready();
  return {
    app,
    state,
    async close() {
      await app.close();
      state.remove();
    },
  };
}

export interface Session {
  cookie: string;
  csrf: string;
  headers: Record<string, string>;
}

export async function login(app: FastifyInstance, username = 'admin', password = ADMIN_PASSWORD): Promise<Session> {
  const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.statusCode} ${r.body}`);
  const setCookie = String(r.headers['set-cookie']);
  const cookie = setCookie.split(';')[0] as string;
  const csrf = (r.json() as { csrfToken: string }).csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-gatehouse-csrf': csrf } };
}

export async function createToken(
  app: FastifyInstance,
  admin: Session,
  role: 'admin' | 'viewer',
  name = `t-${role}`,
): Promise<string> {
  const r = await app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: admin.headers,
    payload: { name, role },
  });
  if (r.statusCode !== 201) throw new Error(`token failed: ${r.statusCode} ${r.body}`);
  return (r.json() as { token: string }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A runner into a namespace whose calls can be delayed or failed, to provoke races and nft errors. */
export function controllableRunner(netns: string) {
  const real = createRunner({ netns });
  const control = {
    /** Delay `nft -f -` (apply) by this many ms. */
    applyDelayMs: 0,
    /** The next script load (`nft -f`, checked by the kernel in the same transaction) fails with this stderr. */
    failCheckWith: null as string | null,
  };
  const runner: Runner = {
    netns,
    async run(command, args, opts) {
      if (command === 'nft' && args.includes('-f') && control.failCheckWith !== null) {
        const stderr = control.failCheckWith;
        control.failCheckWith = null;
        return { command, args, exitCode: 1, stdout: '', stderr, durationMs: 1 };
      }
      if (command === 'nft' && args.includes('-f') && !args.includes('-c') && control.applyDelayMs > 0) {
        await new Promise((r) => setTimeout(r, control.applyDelayMs));
      }
      return real.run(command, args, opts);
    },
    stream: (command, args, handlers) => real.stream(command, args, handlers),
  };
  return { runner, control };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}
