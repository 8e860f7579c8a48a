/**
 * The lockout walk (services/lockout/fate.ts) knows an FTPS forward's passive
 * range: the compiled table DNATs it to the server on the same ports, so a
 * panel reached on a port of that range would be cut off, and the check must
 * say so before the apply.
 */
import { validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { fateOf, lockoutProblems } from '../../src/services/lockout.js';

function model(forwards: unknown[]) {
  const r = validateModel({ interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.model;
}

const ftps = {
  id: 'ftps',
  name: 'FTPS',
  publicPorts: '2990',
  targetPort: 21,
  target: '192.168.1.2',
  ftps: { passivePorts: '8000-8010' },
};

describe('fateOf with an FTPS forward', () => {
  const c = { iif: 'eth0', saddr: '192.0.2.101', daddr: '192.0.2.2', proto: 'tcp' as const };

  it('sends a port of the passive range to the server on the same port (not shifted like the control port)', () => {
    const m = model([ftps]);
    expect(fateOf(m, { ...c, dport: 2990 })).toMatchObject({ kind: 'dnat', address: '192.168.1.2', port: 21 });
    expect(fateOf(m, { ...c, dport: 8005 })).toMatchObject({
      kind: 'dnat',
      address: '192.168.1.2',
      port: 8005,
      by: { id: 'ftps' },
    });
    expect(fateOf(m, { ...c, proto: 'udp', dport: 8005 })).toEqual({ kind: 'local', port: 8005, by: null });
  });

  it('refuses an apply whose passive range would take the port the panel is reached on', () => {
    const operator = { interface: 'eth0', remoteAddress: '192.0.2.101', localAddress: '192.0.2.2', localPort: 8008 };
    const problems = lockoutProblems(model([ftps]), model([]), operator);
    expect(problems).toEqual([expect.objectContaining({ object: expect.objectContaining({ id: 'ftps' }) })]);
  });
});
