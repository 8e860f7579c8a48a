/**
 * The lockout walk knows NAT reflection: a LAN client that calls the
 * gateway's public address on a reflected forward's port is sent to the
 * server (render/reflection.ts), so an admin who reaches the panel that way
 * would be cut off by turning reflection on. The gateway's LAN address is
 * never reflected. The arrival interface is the one whose network holds the
 * peer, not the one that owns the address it called.
 */
import { validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { fateOf, lockoutProblems } from '../../src/services/lockout.js';

function model(extra: Record<string, unknown>) {
  const r = validateModel({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [{ id: 'web', name: 'Web', publicPorts: '8080', target: '192.168.1.5' }],
    ...extra,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.model;
}

const GATEWAY = { localAddresses: ['192.0.2.2', '192.168.1.1', '127.0.0.1'], iifAddresses: ['192.168.1.1'] };
const fromLan = { iif: 'eth1', saddr: '192.168.1.7', proto: 'tcp' as const, dport: 8080, ...GATEWAY };

describe('fateOf with NAT reflection', () => {
  it('sends a LAN client calling the public address to the reflected forward’s server', () => {
    expect(fateOf(model({ reflection: { enabled: true } }), { ...fromLan, daddr: '192.0.2.2' })).toMatchObject({
      kind: 'dnat',
      address: '192.168.1.5',
      by: { id: 'web' },
    });
  });

  it('the other way: without reflection, or to the LAN address, the connection stays on the gateway', () => {
    expect(fateOf(model({}), { ...fromLan, daddr: '192.0.2.2' })).toEqual({ kind: 'local', port: 8080, by: null });
    expect(fateOf(model({ reflection: { enabled: true } }), { ...fromLan, daddr: '192.168.1.1' })).toEqual({
      kind: 'local',
      port: 8080,
      by: null,
    });
  });

  it('follows the per-forward switch and the named public addresses', () => {
    const off = model({ reflection: { enabled: true } });
    (off.forwards[0] as { reflection?: boolean }).reflection = false;
    expect(fateOf(off, { ...fromLan, daddr: '192.0.2.2' }).kind).toBe('local');
    const named = model({ reflection: { enabled: true, publicAddresses: ['198.51.100.7'] } });
    expect(fateOf(named, { ...fromLan, daddr: '192.0.2.2' }).kind).toBe('local');
    expect(fateOf(named, { ...fromLan, daddr: '198.51.100.7' }).kind).toBe('dnat');
  });

  it('refuses turning reflection on when it would take the port the panel is reached on from the LAN', () => {
    const operator = {
      interface: 'eth1',
      interfaceAddresses: ['192.168.1.1'],
      remoteAddress: '192.168.1.7',
      localAddress: '192.0.2.2',
      localPort: 8080,
      localAddresses: GATEWAY.localAddresses,
    };
    expect(lockoutProblems(model({ reflection: { enabled: true } }), model({}), operator)).toEqual([
      expect.objectContaining({ object: expect.objectContaining({ id: 'web' }) }),
    ]);
    expect(lockoutProblems(model({}), model({}), operator)).toEqual([]);
  });
});
