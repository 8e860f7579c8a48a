/**
 * One question, every kind of object: does the candidate model still deliver
 * the operator's connection to the panel when the current one does?
 * lockoutProblems() walks both models through fateOf(); each row is a
 * change an operator could send, and whether it must be refused.
 */
import { type GatewayModel, validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { fateOf, lockoutProblems, type OperatorConnection } from '../src/services/lockout.js';

function model(over: Record<string, unknown> = {}): GatewayModel {
  const r = validateModel({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
    forwards: [{ id: 'web', name: 'web', publicPorts: '80', target: '192.168.1.2' }],
    ...over,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.model;
}

const base = model();
/** The operator: from the WAN side, on the panel's port 8080 of the gateway's WAN address. */
const op: OperatorConnection = {
  interface: 'eth0',
  localPort: 8080,
  localAddress: '192.0.2.2',
  remoteAddress: '192.0.2.101',
  localAddresses: ['192.0.2.2', '192.168.1.1', '127.0.0.1'],
};
const fwd = (f: Record<string, unknown>) => ({ id: 'x', name: 'x', target: '192.168.1.2', ...f });
const gw = (g: Record<string, unknown>) => ({ id: 'panel-in', name: 'panel way in', ...g });

interface Row {
  what: string;
  current?: GatewayModel | null;
  next: GatewayModel;
  operator?: OperatorConnection;
  /** The object named when refused; null when allowed. */
  refused: { kind: string; id: string } | null;
}

const rows: Row[] = [
  // forwards
  {
    what: 'a forward covering the panel port',
    next: model({ forwards: [fwd({ publicPorts: '8080', targetPort: 22 })] }),
    refused: { kind: 'forward', id: 'x' },
  },
  {
    what: 'a forward whose range covers the panel port',
    next: model({ forwards: [fwd({ publicPorts: '8000-8100' })] }),
    refused: { kind: 'forward', id: 'x' },
  },
  {
    what: 'a forward "both" covering the panel port',
    next: model({ forwards: [fwd({ publicPorts: '8080', protocol: 'both' })] }),
    refused: { kind: 'forward', id: 'x' },
  },
  {
    what: 'a forward limited to sources that include the operator',
    next: model({ forwards: [fwd({ publicPorts: '8080', allowedSources: ['192.0.2.0/24'] })] }),
    refused: { kind: 'forward', id: 'x' },
  },
  {
    what: 'a forward to the gateway itself, to the panel port (still the panel)',
    next: model({ forwards: [fwd({ publicPorts: '8080', target: '192.168.1.1' })] }),
    refused: null,
  },
  {
    what: 'a disabled forward covering the panel port',
    next: model({ forwards: [fwd({ publicPorts: '8080', enabled: false })] }),
    refused: null,
  },
  {
    what: 'a udp forward on the panel port',
    next: model({ forwards: [fwd({ publicPorts: '8080', protocol: 'udp' })] }),
    refused: null,
  },
  {
    what: 'a forward limited to sources that exclude the operator',
    next: model({ forwards: [fwd({ publicPorts: '8080', allowedSources: ['203.0.113.0/24'] })] }),
    refused: null,
  },
  // gateway forwards (redirects)
  {
    what: 'a gateway forward redirecting the panel port elsewhere',
    next: model({ gatewayForwards: [gw({ publicPort: 8080, localPort: 22 })] }),
    refused: { kind: 'gateway-forward', id: 'panel-in' },
  },
  {
    what: 'a disabled gateway forward redirecting the panel port',
    next: model({ gatewayForwards: [gw({ publicPort: 8080, localPort: 22, enabled: false })] }),
    refused: null,
  },
  {
    what: 'a udp gateway forward on the panel port',
    next: model({ gatewayForwards: [gw({ publicPort: 8080, localPort: 22, protocol: 'udp' })] }),
    refused: null,
  },
  {
    what: 'a gateway forward on the panel port for other sources only',
    next: model({ gatewayForwards: [gw({ publicPort: 8080, localPort: 22, allowedSources: ['203.0.113.7'] })] }),
    refused: null,
  },
  {
    what: 'removing the gateway forward the operator comes in through (443 -> panel)',
    current: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })] }),
    next: model({ gatewayForwards: [] }),
    refused: { kind: 'gateway-forward', id: 'panel-in' },
  },
  {
    what: 'disabling it',
    current: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })] }),
    next: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080, enabled: false })] }),
    refused: { kind: 'gateway-forward', id: 'panel-in' },
  },
  {
    what: 'narrowing its sources to exclude the operator',
    current: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })] }),
    next: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080, allowedSources: ['203.0.113.0/24'] })] }),
    refused: { kind: 'gateway-forward', id: 'panel-in' },
  },
  {
    what: 'narrowing its sources but still admitting the operator',
    current: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })] }),
    next: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080, allowedSources: ['192.0.2.96/28'] })] }),
    refused: null,
  },
  {
    what: 'removing an unrelated gateway forward (ssh)',
    next: model({ gatewayForwards: [] }),
    refused: null,
  },
  // interface roles
  {
    what: 'renaming the WAN so that the operator interface becomes WAN, with a forward on the panel port',
    current: model({ interfaces: { wan: 'eth9', lan: ['eth1'] }, forwards: [fwd({ publicPorts: '8080' })] }),
    next: model({ interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards: [fwd({ publicPorts: '8080' })] }),
    refused: { kind: 'interfaces', id: 'wan' },
  },
  {
    what: 'swapping WAN and LAN with a forward on the panel port, operator on the LAN side',
    current: model({ forwards: [fwd({ publicPorts: '8080' })] }),
    next: model({ interfaces: { wan: 'eth1', lan: ['eth0'] }, forwards: [fwd({ publicPorts: '8080' })] }),
    operator: { ...op, interface: 'eth1', localAddress: '192.168.1.1', remoteAddress: '192.168.1.2' },
    refused: { kind: 'interfaces', id: 'wan' },
  },
  {
    what: 'swapping WAN and LAN: the operator on the old WAN leaves the forward behind',
    current: model({ forwards: [fwd({ publicPorts: '80' })] }),
    next: model({ interfaces: { wan: 'eth1', lan: ['eth0'] }, forwards: [fwd({ publicPorts: '80' })] }),
    refused: null,
  },
  {
    what: 'renaming the WAN away from the operator, whose redirect stops acting',
    current: model({ gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })] }),
    next: model({
      interfaces: { wan: 'eth7', lan: ['eth1'] },
      gatewayForwards: [gw({ publicPort: 443, localPort: 8080 })],
    }),
    refused: { kind: 'interfaces', id: 'wan' },
  },
  // the management way in that the operator is not using is theirs to remove
  {
    what: 'removing the ssh gateway forward while connected to the panel',
    next: model({ gatewayForwards: [] }),
    refused: null,
  },
  // filter policy: forwarded traffic only; the panel is delivered locally
  {
    what: 'forward filter policy drop',
    next: model({ filter: { policy: 'drop', allowLanToWan: false } }),
    refused: null,
  },
  // an operator the table never sees
  {
    what: 'an IPv6 operator (the table is ip family)',
    next: model({ forwards: [fwd({ publicPorts: '8080' })] }),
    operator: { ...op, remoteAddress: '2001:db8::1', localAddress: '2001:db8::2' },
    refused: null,
  },
  {
    what: 'an operator on loopback',
    next: model({ forwards: [fwd({ publicPorts: '8080' })] }),
    operator: { ...op, interface: 'lo', localAddress: '127.0.0.1', remoteAddress: '127.0.0.1' },
    refused: null,
  },
  {
    what: 'a first apply (nothing loaded) that forwards the panel port away',
    current: null,
    next: model({ forwards: [fwd({ publicPorts: '8080' })] }),
    refused: { kind: 'forward', id: 'x' },
  },
];

describe('lockoutProblems: one walk for every kind of object', () => {
  it.each(rows)('$what', (row) => {
    const problems = lockoutProblems(row.next, row.current === undefined ? base : row.current, row.operator ?? op);
    if (row.refused === null) {
      expect(problems).toEqual([]);
    } else {
      expect(problems).toHaveLength(1);
      expect(problems[0]?.object).toEqual(row.refused);
      expect(problems[0]?.reason).toMatch(/\w+ .*(port|WAN)/);
    }
  });

  it('names the object and says in plain words what happens', () => {
    const [p] = lockoutProblems(model({ gatewayForwards: [gw({ publicPort: 8080, localPort: 22 })] }), base, op);
    expect(p?.reason).toBe(
      'gateway-forward "panel way in" redirects it to the gateway\'s port 22: your connection (TCP from 192.0.2.101 to port 8080 on eth0) would no longer reach the panel on port 8080',
    );
  });

  it('does not look when the request did not come through an interface of this host', () => {
    expect(
      lockoutProblems(model({ forwards: [fwd({ publicPorts: '8080' })] }), base, { ...op, interface: null }),
    ).toEqual([]);
    expect(lockoutProblems(model({ forwards: [fwd({ publicPorts: '8080' })] }), base, null)).toEqual([]);
  });
});

describe('fateOf: what the ruleset does with a new connection', () => {
  const c = { iif: 'eth0', saddr: '192.0.2.101', daddr: '192.0.2.2', proto: 'tcp' as const };
  it('redirects, forwards with a shifted port, or delivers as it came', () => {
    const m = model({ forwards: [fwd({ publicPorts: '8000-8010', targetPort: 9000 })] });
    expect(fateOf(m, { ...c, dport: 2222 })).toMatchObject({ kind: 'local', port: 22, by: { id: 'ssh-gateway' } });
    expect(fateOf(m, { ...c, dport: 8005 })).toMatchObject({ kind: 'dnat', address: '192.168.1.2', port: 9005 });
    expect(fateOf(m, { ...c, dport: 8080 })).toEqual({ kind: 'local', port: 8080, by: null });
    expect(fateOf(m, { ...c, iif: 'eth1', dport: 8005 })).toEqual({ kind: 'local', port: 8005, by: null });
    expect(fateOf(null, { ...c, dport: 2222 })).toEqual({ kind: 'local', port: 2222, by: null });
  });
  it('takes the source-limited forward before the plain one, as the chain does', () => {
    const plain = model({ forwards: [fwd({ id: 'plain', publicPorts: '8080' })] }).forwards;
    const limited = model({
      forwards: [fwd({ id: 'limited', publicPorts: '8080', target: '192.168.1.3', allowedSources: ['192.0.2.0/24'] })],
    }).forwards;
    const m = { ...base, forwards: [...plain, ...limited] };
    // The model refuses overlapping forwards; fateOf is asked of the parsed shape anyway.
    expect(fateOf(m, { ...c, dport: 8080 })).toMatchObject({ kind: 'dnat', by: { id: 'limited' } });
  });
});
