/**
 * `gatehouse forwards add --ftps-passive ... --reflection ...` against a real
 * server (its nft calls in a throwaway namespace): the fields reach the model
 * and the applied table, and the server's refusal comes back as the field's
 * message with a non-zero exit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer, type TokenRole } from './support.js';

const PASSWORD = 'Gatehouse-cli-ftps-Otter-57';
let server: CliServer;

const gatehouse = (args: string[], role: TokenRole = 'admin') => server.gatehouse(args, role);

async function get(path: string): Promise<unknown> {
  const r = await fetch(`${server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${server.tokens.admin}` } });
  return r.json();
}

beforeAll(async () => {
  server = await startCliServer({
    netnsPrefix: 'gh-clif',
    stateDirPrefix: 'gatehouse-cli-ftps-',
    password: PASSWORD,
    tokenNames: { admin: 'ftps-admin', viewer: 'ftps-viewer' },
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
});

describe('gatehouse forwards add with FTPS and reflection', () => {
  it('adds an FTPS forward reflected on its own, applied: the passive range and the reflection set are loaded', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'ftps',
      '--ports',
      '21',
      '--target',
      '192.168.1.2',
      '--ftps-passive',
      '40000-40009',
      '--reflection',
      'on',
      '--apply',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^added forward ftps \(applied: revision \d+\)/);
    expect(await get('/forwards/ftps')).toMatchObject({ ftps: { passivePorts: '40000-40009' }, reflection: true });
    const nft = server.ns.exec('nft', ['list', 'table', 'ip', 'gatehouse']);
    expect(nft).toMatch(/40000-40009 [^\n]*comment "forward ftps" : 192\.168\.1\.2/);
    expect(nft).toMatch(/set reflected_tcp_ports/);
  });

  it('a second range in --ftps-passive is refused with the field message, nothing added', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'ftps2',
      '--ports',
      '990',
      '--target',
      '192.168.1.3',
      '--ftps-passive',
      '41000-41009,42000',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/passive range as one port or one range/);
    expect(((await get('/forwards')) as { items: { id: string }[] }).items.map((f) => f.id)).toEqual(['ftps']);
  });

  it('rejects a --reflection value other than on or off before any request', async () => {
    const r = await gatehouse([
      'forwards',
      'add',
      '--id',
      'x',
      '--ports',
      '80',
      '--target',
      '192.168.1.9',
      '--reflection',
      'maybe',
    ]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/reflection/);
  });
});
