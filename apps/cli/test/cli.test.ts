/**
 * The CLI against a real server: buildApp() from the built @gatehouse/server,
 * listening on 127.0.0.1 (random port), its nft calls in a throwaway network
 * namespace. Commands run in-process through main() (same code as the bin);
 * one run goes through the built bin as a child process.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEvent } from '../src/commands.js';
import { type CliServer, runGatehouse, startCliServer } from './support.js';

/** Passes the server's password policy (12+ characters, zxcvbn 3+, not containing "admin"). */
const PASSWORD = 'Gatehouse-cli-tests-Quokka-62';
let server: CliServer;
let configHome: string;

function gatehouse(args: string[], env: NodeJS.ProcessEnv = { XDG_CONFIG_HOME: configHome }, signal?: AbortSignal) {
  return runGatehouse(args, env, signal);
}

beforeAll(async () => {
  configHome = mkdtempSync(join(tmpdir(), 'gatehouse-cli-config-'));
  server = await startCliServer({
    netnsPrefix: 'gh-cli',
    stateDirPrefix: 'gatehouse-cli-state-',
    password: PASSWORD,
    tokenNames: { admin: 'cli-admin', viewer: 'cli-viewer' },
  });
});

afterAll(async () => {
  await server?.close();
  if (configHome) rmSync(configHome, { recursive: true, force: true });
});

describe('gatehouse CLI', () => {
  it('refuses to work before login, and login stores url and token with mode 0600', async () => {
    const before = await gatehouse(['forwards', 'list']);
    expect(before.code).toBe(2);
    expect(before.err).toMatch(/not logged in/);

    const bad = await gatehouse(['login', '--url', server.url, '--token', 'wrong']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/HTTP 401/);

    const r = await gatehouse(['login', '--url', server.url, '--token', server.tokens.admin]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/logged in to .* as admin \(admin\)/);
    const file = join(configHome, 'gatehouse', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('adds, lists and removes forwards; the server validation comes back field by field', async () => {
    const add = await gatehouse(['forwards', 'add', '--id', 'web', '--ports', '80,443', '--target', '192.168.1.10']);
    expect(add.code).toBe(0);
    expect(add.out).toBe('added forward web\n');
    await gatehouse([
      'forwards',
      'add',
      '--id',
      'dns',
      '--protocol',
      'udp',
      '--ports',
      '53',
      '--target',
      '192.168.1.11',
    ]);

    const list = await gatehouse(['forwards', 'list']);
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+PROTO\s+PUBLIC\s+TARGET\s+SOURCES\s+ENABLED$/);
    expect(list.out).toMatch(/^web\s+web\s+tcp\s+80,443\s+192\.168\.1\.10\s+any\s+yes$/m);
    expect(list.out).toMatch(/^dns\s+dns\s+udp\s+53\s+192\.168\.1\.11/m);

    const overlap = await gatehouse(['forwards', 'add', '--id', 'web2', '--ports', '443', '--target', '192.168.1.12']);
    expect(overlap.code).toBe(1);
    expect(overlap.err).toMatch(/HTTP 400, validation/);
    expect(overlap.err).toMatch(/body\.publicPorts: .*443/);

    const json = await gatehouse(['--json', 'forwards', 'list']);
    const parsed = JSON.parse(json.out) as { items: Array<{ id: string }>; total: number };
    expect(parsed.total).toBe(2);
    expect(parsed.items.map((f) => f.id)).toEqual(['web', 'dns']);

    const rm = await gatehouse(['forwards', 'remove', 'dns']);
    expect(rm.code).toBe(0);
    const after = JSON.parse((await gatehouse(['forwards', 'list', '--json'])).out) as { total: number };
    expect(after.total).toBe(1);
  });

  it('sets the FTP policy, previews, applies provisionally and confirms; the kernel holds the table', async () => {
    const ftp = await gatehouse(['ftp', 'set', '--enabled', '--ports', '21', '--passive-only']);
    expect(ftp.code).toBe(1); // no forward exposes port 21 yet: the server says so, field by field
    expect(ftp.err).toMatch(/the gateway model would be invalid \(HTTP 400, validation\)\n {2}body\.controlPorts/);
    await gatehouse(['forwards', 'add', '--id', 'ftp', '--ports', '21', '--target', '192.168.1.20']);
    const ok = await gatehouse(['--json', 'ftp', 'set', '--enabled', '--ports', '21', '--passive-only']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ enabled: true, controlPorts: [21], servers: [], passiveOnly: true });

    const preview = await gatehouse(['preview']);
    expect(preview.code).toBe(0);
    expect(preview.out).toMatch(/^\+table ip gatehouse \{/m);
    expect(preview.out).toContain('ct helper ftp-incoming');

    const apply = await gatehouse(['apply', '--confirm-within', '60', '--manual-confirm']);
    expect(apply.code).toBe(0);
    expect(apply.out).toMatch(/applied revision \d+ provisionally .*gatehouse confirm/);
    expect(server.ns.exec('nft', ['list', 'table', 'ip', 'gatehouse'])).toContain('ct helper ftp-incoming');

    const confirm = await gatehouse(['--json', 'confirm']);
    expect(confirm.code).toBe(0);
    expect(JSON.parse(confirm.out).revision.status).toBe('confirmed');
    expect((await gatehouse(['confirm'])).err).toMatch(/no provisional apply/);

    const unchanged = await gatehouse(['preview']);
    expect(unchanged.out).toMatch(/^no changes/);
  });

  it('applies provisionally and confirms over a new connection by default; --no-confirm asks for no window', async () => {
    const add = await gatehouse([
      'forwards',
      'add',
      '--id',
      'cli-confirm',
      '--ports',
      '8088',
      '--target',
      '192.168.1.20',
    ]);
    expect(add.code, add.err).toBe(0);
    const apply = await gatehouse(['apply']);
    expect(apply.code, apply.err).toBe(0);
    expect(apply.err).toMatch(/applied revision \d+ provisionally .*checking the panel answers over a new connection/);
    expect(apply.out).toMatch(/^confirmed revision \d+ over a new connection$/m);
    const id = Number(/confirmed revision (\d+)/.exec(apply.out)?.[1]);
    const revision = await server.app.inject({
      method: 'GET',
      url: `/api/v1/revisions/${id}`,
      headers: { authorization: `Bearer ${server.tokens.admin}` },
    });
    expect(revision.json()).toMatchObject({ status: 'confirmed', active: true });
    const pending = await server.app.inject({
      method: 'GET',
      url: '/api/v1/apply/pending',
      headers: { authorization: `Bearer ${server.tokens.admin}` },
    });
    expect(pending.json()).toEqual({ pending: null });

    expect((await gatehouse(['forwards', 'remove', 'cli-confirm'])).code).toBe(0);
    const plain = await gatehouse(['--json', 'apply', '--no-confirm']);
    expect(plain.code, plain.err).toBe(0);
    expect(JSON.parse(plain.out)).toMatchObject({ pending: null, revision: { status: 'confirmed' } });
    expect((await gatehouse(['apply', '--no-confirm', '--confirm-within', '30'])).code).toBe(2);
  });

  it('confirmByReconnect gives up at the deadline when nothing answers (the server then rolls back)', async () => {
    const { Client } = await import('../src/client.js');
    const { confirmByReconnect } = await import('../src/confirm.js');
    // A port nothing listens on: every attempt is refused, as when the apply cut the panel off.
    const dead = new Client('http://127.0.0.1:9', server.tokens.admin);
    const tries: number[] = [];
    const outcome = await confirmByReconnect(dead, 1, { secondsLeft: 1, retryMs: 200, onRetry: (n) => tries.push(n) });
    expect(outcome.kind).toBe('unreachable');
    expect(tries.length).toBeGreaterThanOrEqual(2);
  });

  it('lists conntrack flows and expectations, as tables and JSON', async () => {
    const flows = await gatehouse(['conntrack', '--protocol', 'tcp', '--limit', '5']);
    expect(flows.code).toBe(0);
    expect(flows.out).toMatch(/^ID\s+PROTO\s+STATE\s+ORIGINAL/);
    expect(flows.out).toMatch(/\d+ of \d+ flows/);
    const exp = await gatehouse(['--json', 'expectations']);
    expect(JSON.parse(exp.out)).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
  });

  it('pair: status, failover and node= say plainly that this server is no pair node', async () => {
    const status = await gatehouse(['pair', 'status']);
    expect(status.code).toBe(0);
    expect(status.out).toBe('no pair in the applied revision\n');
    const failover = await gatehouse(['pair', 'failover', '--comment', 'cli']);
    expect(failover.code).toBe(1);
    expect(failover.err).toMatch(/HTTP 409, not_pair_node/);
    const flows = await gatehouse(['conntrack', '--node', 'gw-b']);
    expect(flows.code).toBe(1);
    expect(flows.err).toMatch(/HTTP 400, validation/);
    expect(flows.err).toMatch(/querystring\.node: this server is not a node of a pair/);
  });

  it('follows events, one line per event, with the environment instead of the login file', async () => {
    const controller = new AbortController();
    const env = { GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: server.tokens.viewer, XDG_CONFIG_HOME: '/nonexistent' };
    const following = gatehouse(['events'], env, controller.signal);
    await new Promise((r) => setTimeout(r, 300));
    await gatehouse(['apply', '--no-confirm']); // as admin, from the login file
    await new Promise((r) => setTimeout(r, 300));
    controller.abort();
    const r = await following;
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^\S+Z connected: /);
    expect(lines.some((l) => /^\S+Z apply revision \d+ by admin \(token cli-admin\)$/.test(l))).toBe(true);
    // A viewer token can watch but not change.
    const denied = await gatehouse(['apply'], env);
    expect(denied.code).toBe(1);
    expect(denied.err).toMatch(/HTTP 403/);
  });

  it('prints flow batches one line per change', () => {
    const row = {
      id: '7',
      protocol: 'tcp',
      state: 'ESTABLISHED',
      original: { src: '192.0.2.1', dst: '192.0.2.2', sport: 4000, dport: 21 },
    };
    expect(
      describeEvent('flows', {
        events: [
          { type: 'new', row },
          { type: 'destroy', row },
        ],
      }),
    ).toEqual([
      'flow new 7 tcp 192.0.2.1:4000 -> 192.0.2.2:21 ESTABLISHED',
      'flow destroy 7 tcp 192.0.2.1:4000 -> 192.0.2.2:21 ESTABLISHED',
    ]);
  });

  it('prints pair events one line each, by kind', () => {
    expect(
      describeEvent('pair', {
        kind: 'failover',
        node: 'gw-b',
        instance: 'wan',
        address: '192.0.2.200',
        state: 'master',
      }),
    ).toEqual(['pair gw-b became master of wan (192.0.2.200)']);
    expect(
      describeEvent('pair', {
        kind: 'failover_by_hand',
        node: 'gw-a',
        peer: 'gw-b',
        released: ['wan', 'lan'],
        stillHeld: [],
        actor: 'admin',
      }),
    ).toEqual(['pair gw-a failed over by hand to gw-b: released wan, lan (by admin)']);
    expect(describeEvent('pair', { kind: 'resume', node: 'gw-a', started: true, actor: 'admin' })).toEqual([
      'pair gw-a resumed (by admin)',
    ]);
    expect(describeEvent('pair', { kind: 'new_kind', node: 'gw-a' })).toEqual([
      'pair {"kind":"new_kind","node":"gw-a"}',
    ]);
  });

  it('runs as the built bin', async () => {
    const bin = join(import.meta.dirname, '..', 'dist', 'cli.js');
    const { stdout } = await promisify(execFile)(process.execPath, [bin, '--json', 'forwards', 'list'], {
      env: { ...process.env, XDG_CONFIG_HOME: configHome, GATEHOUSE_URL: '', GATEHOUSE_TOKEN: '' },
    });
    expect((JSON.parse(stdout) as { total: number }).total).toBe(2);
  });
});
