/**
 * Starts the built server (apps/server/dist/server.js) in the namespace this
 * process runs in, with a throwaway state directory, and logs in with an API
 * token. Each bench goal runs inside its own namespace (run.mjs starts it
 * with `ip netns exec`), so the panel, the raw tools and the kernel state all
 * live in one place and nothing touches the host.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const PASSWORD = 'Bench-gatehouse-Puffin-0123'; // passes the password policy (not containing "admin")

export const SERVER_JS = join(root, 'apps/server/dist/server.js');

/** The server's environment: state in `dir`/state, the model in `dir`/model.json. */
export function serverEnv({ port, dir, env = {} }) {
  return {
    ...process.env,
    GATEHOUSE_LISTEN: `127.0.0.1:${port}`,
    GATEHOUSE_STATE_DIR: join(dir, 'state'),
    GATEHOUSE_ADMIN_PASSWORD: PASSWORD,
    GATEHOUSE_INITIAL_MODEL: join(dir, 'model.json'),
    GATEHOUSE_LOG_LEVEL: 'warn',
    // Drift checks are background work; one every minute keeps them out of the timings.
    GATEHOUSE_DRIFT_INTERVAL_MS: '60000',
    GATEHOUSE_LOGIN_RATE_LIMIT: '1000',
    ...env,
  };
}

/**
 * node's arguments for the server: the flags every launcher passes
 * (serverNodeFlags), BENCH_SERVER_NODE_ARGS (e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof`, to profile a figure's server), a group's own,
 * and the entry.
 */
export async function serverArgs(nodeArgs = []) {
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  return [...(await serverNodeFlags()), ...extra, ...nodeArgs, SERVER_JS];
}

/** The flags every launcher of the server passes (apps/server/src/node-flags.ts). */
export async function serverNodeFlags() {
  return (await import(join(root, 'apps/server/dist/node-flags.js'))).SERVER_NODE_FLAGS;
}

/**
 * `keepDir`: the state directory is kept on stop() (removed by the caller),
 * so a later server can start on the same state (a cold start, fig. 15.6).
 */
export async function startServer({ port, model, env = {}, nodeArgs = [], stdoutFile, keepDir = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-bench-'));
  writeFileSync(join(dir, 'model.json'), JSON.stringify(model));
  const child = spawn(process.execPath, await serverArgs(nodeArgs), {
    env: serverEnv({ port, dir, env }),
    // stdoutFile: the server's log (and --trace-gc output) for debugging a figure.
    stdio: ['ignore', stdoutFile ? openSync(stdoutFile, 'w') : 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}/api/v1`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
          r();
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          r();
        });
      });
    }
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => child.kill('SIGKILL'));
  for (let i = 0; ; i++) {
    try {
      const r = await fetch(`${base}/health`);
      if (r.ok) break;
    } catch {}
    if (child.exitCode !== null || i > 300) {
      await stop();
      throw new Error('the server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  const cookie = String(login.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = await login.json();
  const tok = await fetch(`${base}/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-gatehouse-csrf': csrfToken },
    body: JSON.stringify({ name: 'bench', role: 'admin' }),
  });
  const { token } = await tok.json();
  const auth = { authorization: `Bearer ${token}` };
  async function api(method, path, body, headers = {}) {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return { status: r.status, headers: r.headers, text, json: () => JSON.parse(text) };
  }
  return { base, auth, token, api, pid: child.pid, stop, child, dir };
}

/** n forwards on distinct ports: tcp 1-60000, then udp; every fourth to another target port. */
export function benchForwards(n, prefix = 'f') {
  return Array.from({ length: n }, (_, i) => {
    const protocol = i < 60000 ? 'tcp' : 'udp';
    const port = (i % 60000) + 1;
    const f = {
      id: `${prefix}${i}`,
      name: `forward ${i}`,
      protocol,
      publicPorts: String(port),
      target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
    };
    if (i % 4 === 3) f.targetPort = port === 65535 ? 1 : port + 1;
    return f;
  });
}

export const benchModel = (forwards) => ({ interfaces: { wan: 'wan0', lan: ['lan0'] }, forwards });
