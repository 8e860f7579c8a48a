/**
 * `gatehouse import` against a real server (built @gatehouse/server, its nft
 * calls in a throwaway namespace holding the brief's hand-written my_nat):
 * show prints the summary, the tables read, the notes and the equivalence
 * report; adopt --retire makes it the desired model with the takeover
 * pending; cancel retires nothing; refusals come back with their code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer, type TokenRole } from './support.js';

const PASSWORD = 'Gatehouse-cli-import-Marten-57';
const BRIEF_FINAL = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'packages',
  'rules',
  'test',
  'fixtures',
  'brief-final.nft',
);
let server: CliServer;

const gatehouse = (args: string[], role: TokenRole = 'admin') => server.gatehouse(args, role);

beforeAll(async () => {
  server = await startCliServer({
    netnsPrefix: 'gh-clii',
    stateDirPrefix: 'gatehouse-cli-import-',
    password: PASSWORD,
    tokenNames: { admin: 'import-admin', viewer: 'import-viewer' },
    prepare: (ns) => {
      // `iif "eth0"` in the brief's table names an interface index: eth0 has to exist to load it.
      ns.exec('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
      ns.exec('ip', ['addr', 'add', '192.0.2.2/24', 'dev', 'eth0']);
      ns.exec('ip', ['addr', 'add', '192.168.1.1/24', 'dev', 'eth1']);
      ns.exec('nft', ['-f', '-'], readFileSync(BRIEF_FINAL, 'utf8'));
    },
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
});

describe('gatehouse import', () => {
  it('show: the summary, the table read, the notes and the equivalence report', async () => {
    const r = await gatehouse(['import', 'show']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^summary: 1 forward, 1 gateway forward, FTP helper on 21/);
    expect(r.out).toContain('tables read:\n  ip my_nat (hand-written)\n');
    expect(r.out).toMatch(/^carried over \(\d+\):\n {2}interfaces from the ruleset: WAN eth0, LAN eth1$/m);
    expect(r.out).toMatch(/^= +tcp 21 +helper port +forwarded to 192\.168\.1\.2:21/m);
  }, 30_000);

  it('adopt --retire: the desired model, with the takeover pending; cancel retires nothing', async () => {
    const adopted = await gatehouse(['import', 'adopt', '--retire', 'ip:my_nat']);
    expect(adopted.code, adopted.err).toBe(0);
    expect(adopted.out).toMatch(
      /^adopted as desired version \d+; the next apply retires ip my_nat \(gatehouse apply\)$/m,
    );
    expect((await gatehouse(['import', 'show'])).out).toContain('the next apply retires: ip my_nat');
    const cancelled = await gatehouse(['import', 'cancel']);
    expect(cancelled).toMatchObject({ code: 0, out: 'the next apply retires nothing\n' });
    expect((await gatehouse(['import', 'show'])).out).not.toContain('the next apply retires');
    expect(server.ns.exec('nft', ['list', 'tables'])).toContain('table ip my_nat'); // nothing applied
  }, 30_000);

  it('refusals come back with their code; a viewer may not', async () => {
    const own = await gatehouse(['import', 'adopt', '--retire', 'ip:gatehouse']);
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/import_own_table|Gatehouse's own table/);
    const viewer = await gatehouse(['import', 'show'], 'viewer');
    expect(viewer.code).toBe(1);
    expect(viewer.err).toMatch(/403|forbidden|admin/i);
  }, 30_000);
});
