/**
 * A real server for the CLI tests: buildApp() from the built @gatehouse/server,
 * listening on 127.0.0.1 (random port), its nft calls in a throwaway network
 * namespace, with API tokens made through a browser-style login (cookie and
 * CSRF header), as an operator would make them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { buildApp, ServerConfig } from '@gatehouse/server';
import type { FastifyInstance } from 'fastify';
import { main } from '../src/commands.js';

export type TokenRole = 'admin' | 'viewer';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliServerOptions {
  /** createNetns prefix of the namespace the server's nft calls go into. */
  netnsPrefix: string;
  /** mkdtemp prefix of the state directory. */
  stateDirPrefix: string;
  /** The admin's password (the server's policy: 12+ characters, zxcvbn 3+, not containing "admin"). */
  password: string;
  /** The tokens to make, by role, with their names (in this order). */
  tokenNames: Partial<Record<TokenRole, string>>;
  /** Runs in the namespace before the server starts (e.g. a hand-written table to import). */
  prepare?: (ns: Netns) => void;
  /** More server settings (e.g. haNode for a pair node). */
  config?: Record<string, string>;
}

export interface CliServer {
  readonly ns: Netns;
  readonly app: FastifyInstance;
  readonly url: string;
  /** The tokens made ('' for a role not asked for). */
  readonly tokens: Record<TokenRole, string>;
  /** `gatehouse --url <url> --token <role's token> ...args`, in-process through main(). */
  gatehouse(args: string[], role?: TokenRole): Promise<CliRun>;
  /** Close the server, remove the namespace and the state directory. */
  close(): Promise<void>;
}

/** main() in-process (the same code as the bin), its output collected. */
export async function runGatehouse(args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env,
    ...(signal ? { signal } : {}),
  });
  return { code, out, err };
}

async function makeTokens(url: string, password: string, names: CliServerOptions['tokenNames']) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const cookie = String(login.headers.get('set-cookie')).split(';')[0] as string;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const tokens: Record<TokenRole, string> = { admin: '', viewer: '' };
  for (const role of ['admin', 'viewer'] as const) {
    const name = names[role];
    if (name === undefined) continue;
    const r = await fetch(`${url}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-gatehouse-csrf': csrfToken },
      body: JSON.stringify({ name, role }),
    });
    tokens[role] = ((await r.json()) as { token: string }).token;
  }
  return tokens;
}

/** Start the server and make its tokens; on failure what was made is removed. */
export async function startCliServer(o: CliServerOptions): Promise<CliServer> {
  const ns = createNetns(o.netnsPrefix);
  let stateDir: string | undefined;
  let app: FastifyInstance | undefined;
  const close = async () => {
    await app?.close();
    ns.destroy();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    o.prepare?.(ns);
    stateDir = mkdtempSync(join(tmpdir(), o.stateDirPrefix));
    const config = ServerConfig.parse({
      stateDir,
      netns: ns.name,
      adminPassword: o.password,
      conntrack: 'false',
      driftIntervalMs: 60_000,
      logLevel: 'silent',
      ...o.config,
    });
    app = await buildApp({ config, logger: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const tokens = await makeTokens(url, o.password, o.tokenNames);
    return {
      ns,
      app,
      url,
      tokens,
      gatehouse: (args, role = 'admin') => runGatehouse(['--url', url, '--token', tokens[role], ...args], {}),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
