/**
 * `gatehouse tftp show|set` against a real server (built @gatehouse/server,
 * its nft calls in a throwaway namespace): the policy as a table and JSON,
 * the server's field problems passed through, and an apply that loads the
 * helper into the kernel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer } from './support.js';

const PASSWORD = 'Gatehouse-cli-tftp-Marten-58';
let server: CliServer;

const gatehouse = (args: string[]) => server.gatehouse(args);

beforeAll(async () => {
  server = await startCliServer({
    netnsPrefix: 'gh-clit',
    stateDirPrefix: 'gatehouse-cli-tftp-',
    password: PASSWORD,
    tokenNames: { admin: 'cli-tftp' },
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
});

describe('gatehouse tftp', () => {
  it('shows the policy, refuses a port no UDP forward exposes field by field, sets it and applies it', async () => {
    const shown = await gatehouse(['tftp', 'show']);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toMatch(/^ENABLED\s+PORTS\s+SERVERS\nno\s+69\s+every forwarded server\n$/);

    const refused = await gatehouse(['tftp', 'set', '--enabled']);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/HTTP 400, validation\)\n {2}body\.ports\.0/);

    const fwd = await gatehouse([
      'forwards',
      'add',
      '--id',
      'tftp',
      '--protocol',
      'udp',
      '--ports',
      '69',
      '--target',
      '192.168.1.20',
    ]);
    expect(fwd.code, fwd.err).toBe(0);
    const set = await gatehouse(['--json', 'tftp', 'set', '--enabled', '--servers', '192.168.1.20']);
    expect(set.code, set.err).toBe(0);
    expect(JSON.parse(set.out)).toEqual({ enabled: true, ports: [69], servers: ['192.168.1.20'] });

    const applied = await gatehouse(['apply', '--no-confirm']);
    expect(applied.code, applied.err).toBe(0);
    const table = server.ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(table).toContain('ct helper tftp-incoming');
    expect(table).toMatch(/ip daddr 192\.168\.1\.20 udp dport 69 ct helper set "tftp-incoming"/);
  });
});
