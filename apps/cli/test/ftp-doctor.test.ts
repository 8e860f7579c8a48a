/**
 * `gatehouse ftp doctor` against a real server (built @gatehouse/server, its
 * nft calls and the probe in a throwaway namespace): OK/WARN/FAIL lines,
 * exit 1 on a failure, --json, TFTP forwards' checklists, and the admin role it needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliServer, startCliServer, type TokenRole } from './support.js';

const PASSWORD = 'Gatehouse-cli-doctor-Heron-93';
let server: CliServer;

const gatehouse = (args: string[], role: TokenRole = 'admin') => server.gatehouse(args, role);

async function api(method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.tokens.admin}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(r.status, await r.clone().text()).toBeLessThan(300);
}

beforeAll(async () => {
  server = await startCliServer({
    netnsPrefix: 'gh-clid',
    stateDirPrefix: 'gatehouse-cli-doctor-',
    password: PASSWORD,
    tokenNames: { admin: 'doctor-admin', viewer: 'doctor-viewer' },
  });
}, 30_000);

afterAll(async () => {
  await server?.close();
});

describe('gatehouse ftp doctor', () => {
  it('says when no forward exposes FTP (exit 0)', async () => {
    const r = await gatehouse(['ftp', 'doctor']);
    expect(r).toMatchObject({ code: 0, out: 'FTP doctor: no enabled forward exposes an FTP control port\n' });
  });

  it('prints OK/WARN/FAIL lines with evidence and fixes, and exits 1 on a failure', async () => {
    await api('POST', '/forwards', { id: 'ftp', name: 'FTP', publicPorts: '21', target: '192.168.1.20' });
    await api('POST', '/apply', {});
    const r = await gatehouse(['ftp', 'doctor']);
    expect(r.code, r.err).toBe(1);
    expect(r.err).toBe('gatehouse: FTP doctor: a check failed\n');
    const lines = r.out.split('\n');
    expect(lines[0]).toBe('FAIL forward ftp (FTP): public port 21 -> 192.168.1.20:21');
    expect(lines).toContain('  FAIL helper-scope: The FTP helper is off in the applied revision 1.');
    expect(lines).toContain('         fix: Turn the FTP helper on (the Helpers page) and apply.');
    expect(r.out).toMatch(/^ {2}OK {3}kernel: The kernel has nf_conntrack_ftp/m);
    // Nothing listens on 192.168.1.20 in this namespace: the probe says it could not talk to it.
    expect(lines).toContain('  FAIL probe: The gateway could not talk to 192.168.1.20:21.');
    expect(lines.at(-2)).toMatch(/^FTP doctor: failures \(/);
  }, 30_000);

  it('--json prints the API answer', async () => {
    const r = await gatehouse(['--json', 'ftp', 'doctor']);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.out) as { status: string; forwards: Array<{ checks: Array<{ check: string }> }> };
    expect(d.status).toBe('failure');
    expect(d.forwards[0]?.checks.map((c) => c.check)).toEqual([
      'kernel',
      'helper-scope',
      'live-evidence',
      'passive-only',
      'probe',
      'heuristics',
    ]);
  });

  it('prints TFTP forwards too, with the same checklist', async () => {
    await api('POST', '/forwards', {
      id: 'tftp',
      name: 'TFTP',
      protocol: 'udp',
      publicPorts: '69',
      target: '192.168.1.20',
    });
    const r = await gatehouse(['ftp', 'doctor']);
    expect(r.code, r.err).toBe(1);
    const lines = r.out.split('\n');
    expect(lines).toContain('FAIL TFTP forward tftp (TFTP): public UDP port 69 -> 192.168.1.20:69');
    expect(lines).toContain('  FAIL helper-scope: The TFTP helper is off in the applied revision 1.');
    expect(lines).toContain('         fix: Turn the TFTP helper on (the Helpers page) and apply.');
    // Nothing answers on 192.168.1.20 in this namespace: the probe's read request gets no answer.
    expect(lines).toContain('  FAIL probe: The gateway got no answer from the TFTP server 192.168.1.20:69 within 3 s.');
    expect(lines.indexOf('FAIL TFTP forward tftp (TFTP): public UDP port 69 -> 192.168.1.20:69')).toBeGreaterThan(
      lines.indexOf('FAIL forward ftp (FTP): public port 21 -> 192.168.1.20:21'),
    );
  }, 30_000);

  it('needs the admin role', async () => {
    const r = await gatehouse(['ftp', 'doctor'], 'viewer');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/HTTP 403/);
  });
});
