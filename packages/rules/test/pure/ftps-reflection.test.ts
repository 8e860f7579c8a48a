/**
 * FTPS forwards and NAT reflection without a kernel: each rule reported on its
 * field with its code, what the compiler renders for them, and what deltas
 * and the forward index do with them. The traffic proof is
 * ../lab-ftps-reflection.test.ts; that the goldens load is golden-kernel.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { planForwardDelta } from '../../src/delta.js';
import { ForwardPortIndex } from '../../src/forward-index.js';
import { GatewayModel, type GatewayModelInput, type PortForward, validateModel } from '../../src/model.js';

type Forward = NonNullable<GatewayModelInput['forwards']>[number];

const FTPS: Forward = {
  id: 'ftps',
  name: 'FTPS',
  publicPorts: '21',
  target: '192.168.1.2',
  ftps: { passivePorts: '40000-40009' },
};
const WEB: Forward = { id: 'web', name: 'web', publicPorts: '80,443', target: '192.168.1.3' };

const base = (over: Partial<GatewayModelInput> = {}): GatewayModelInput => ({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gw', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [FTPS, WEB],
  ...over,
});

function codes(input: GatewayModelInput): Array<{ path: string; code: string | undefined }> {
  const r = validateModel(input);
  return r.ok ? [] : r.problems.map((p) => ({ path: p.path, code: p.code }));
}

describe('FTPS forwards in the model', () => {
  it('a model from before FTPS and reflection loads and compiles as before: no new keys', () => {
    const old = { interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards: [WEB] };
    const m = GatewayModel.parse(old);
    expect(m.forwards[0]).not.toHaveProperty('ftps');
    expect(m.forwards[0]).not.toHaveProperty('reflection');
    expect(m).not.toHaveProperty('reflection');
    expect(compile(m)).not.toMatch(/reflect|ct label/);
  });

  it('accepts an FTPS forward with one passive range', () => {
    expect(codes(base())).toEqual([]);
  });

  it('wants one port or one range as the passive range', () => {
    const f = { ...FTPS, ftps: { passivePorts: '40000-40009,41000' } };
    expect(codes(base({ forwards: [f] }))).toEqual([
      { path: 'forwards.0.ftps.passivePorts', code: 'ftps.passive_one_range' },
    ]);
    expect(codes(base({ forwards: [{ ...FTPS, ftps: { passivePorts: '40009-40000' } }] }))).toEqual([
      { path: 'forwards.0.ftps.passivePorts', code: 'ports.backwards' },
    ]);
  });

  it('runs over TCP only', () => {
    expect(codes(base({ forwards: [{ ...FTPS, protocol: 'udp' }] }))).toEqual([
      { path: 'forwards.0.ftps', code: 'ftps.needs_tcp' },
    ]);
  });

  it("refuses a passive range overlapping the forward's own public ports", () => {
    const f = { ...FTPS, publicPorts: '21,40005' };
    expect(codes(base({ forwards: [f] }))).toEqual([
      { path: 'forwards.0.ftps.passivePorts', code: 'ftps.passive_overlaps_own' },
    ]);
  });

  it("reports an overlap with another forward's public ports on the later of the two", () => {
    const other: Forward = { id: 'other', name: 'other', publicPorts: '40005', target: '192.168.1.9' };
    // the FTPS forward is later: its passive range carries the problem
    expect(codes(base({ forwards: [other, FTPS] }))).toEqual([
      { path: 'forwards.1.ftps.passivePorts', code: 'ftps.passive_overlap' },
    ]);
    // the other forward is later: its public ports carry it, naming the FTPS forward, and the passive range too
    const r = validateModel(base({ forwards: [FTPS, other] }));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      expect.objectContaining({
        path: 'forwards.1.publicPorts',
        code: 'forward.ports_in_ftps_range',
        params: { ports: '40005', other: 'FTPS' },
      }),
      expect.objectContaining({
        path: 'forwards.0.ftps.passivePorts',
        code: 'ftps.passive_overlap',
        params: { ports: '40005', other: 'other' },
      }),
    ]);
  });

  it("reports an overlap with another FTPS forward's passive range, and ignores UDP and disabled forwards", () => {
    const second: Forward = {
      ...FTPS,
      id: 'ftps2',
      name: 'FTPS 2',
      publicPorts: '990',
      ftps: { passivePorts: '40009-40020' },
    };
    expect(codes(base({ forwards: [FTPS, second] }))).toEqual([
      { path: 'forwards.1.ftps.passivePorts', code: 'ftps.passive_overlap' },
    ]);
    const udp: Forward = {
      id: 'game',
      name: 'game',
      protocol: 'udp',
      publicPorts: '40000-40009',
      target: '192.168.1.9',
    };
    const off: Forward = { id: 'off', name: 'off', enabled: false, publicPorts: '40001', target: '192.168.1.9' };
    expect(codes(base({ forwards: [FTPS, udp, off] }))).toEqual([]);
    expect(codes(base({ forwards: [{ ...FTPS, enabled: false }, WEB, { ...off, enabled: true }] }))).toEqual([]);
  });

  it("refuses a passive range shadowing a gateway forward's port", () => {
    const f = { ...FTPS, ftps: { passivePorts: '2200-2300' } };
    expect(codes(base({ forwards: [f] }))).toEqual([
      { path: 'forwards.0.ftps.passivePorts', code: 'ftps.passive_shadows_gateway_forward' },
    ]);
  });

  it('refuses passive-only while an FTPS forward is enabled, on both fields, with the reason', () => {
    const input = base({ ftp: { enabled: true, controlPorts: [21], passiveOnly: true } });
    const r = validateModel(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const passiveOnly = r.problems.find((p) => p.path === 'ftp.passiveOnly');
    expect(passiveOnly?.code).toBe('ftp.passive_only_with_ftps');
    expect(passiveOnly?.message).toMatch(/cannot read an encrypted control channel/);
    expect(r.problems.find((p) => p.path === 'forwards.0.ftps')?.code).toBe('ftps.passive_only_on');
    // with the FTPS forward disabled, passive-only is fine again
    const disabled = base({
      forwards: [
        { ...FTPS, enabled: false },
        { ...WEB, publicPorts: '21', target: '192.168.1.2' },
      ],
      ftp: { enabled: true, controlPorts: [21], passiveOnly: true },
    });
    expect(codes(disabled)).toEqual([]);
  });

  it('compiles the passive range as same-port elements of the forward, never shifted, also source-limited', () => {
    const shifted: Forward = {
      id: 'partners',
      name: 'partners',
      publicPorts: '2990',
      targetPort: 21,
      target: '192.168.1.4',
      allowedSources: ['203.0.113.0/24'],
      ftps: { passivePorts: '41000-41009' },
    };
    const script = compile(GatewayModel.parse(base({ forwards: [FTPS, shifted] })));
    expect(script).toContain('40000-40009 comment "forward ftps" : 192.168.1.2');
    expect(script).toContain('tcp . 203.0.113.0/24 . 2990 comment "forward partners" : 192.168.1.4 . 21');
    expect(script).toContain('tcp . 203.0.113.0/24 . 41000-41009 comment "forward partners" : 192.168.1.4');
  });
});

describe('NAT reflection in the model and the ruleset', () => {
  it('renders nothing while no forward is reflected', () => {
    const without = compile(GatewayModel.parse(base()));
    expect(compile(GatewayModel.parse(base({ reflection: { enabled: false } })))).toBe(without);
    expect(compile(GatewayModel.parse(base({ forwards: [FTPS, { ...WEB, reflection: false }] })))).toBe(without);
  });

  it('global: the LAN rules use the forward maps, found by fib when no public address is named', () => {
    const script = compile(GatewayModel.parse(base({ reflection: { enabled: true } })));
    expect(script).toContain(
      'iifname "eth1" fib daddr type local fib daddr . iif type != local ct label set 127 dnat ip to tcp dport map @forward_tcp_same_port',
    );
    expect(script).toContain('oifname "eth1" ct label 127 ct status dnat masquerade');
    expect(script).not.toMatch(/reflected_tcp_ports|unreflected/);
  });

  it('per forward: a port set holds the reflected forwards (and an FTPS passive range); exceptions the others', () => {
    const only = compile(
      GatewayModel.parse(
        base({
          forwards: [{ ...FTPS, reflection: true }, WEB],
          reflection: { enabled: false, publicAddresses: ['192.0.2.2'] },
        }),
      ),
    );
    expect(only).toMatch(
      /set reflected_tcp_ports \{[^}]*21 comment "forward ftps",\s*40000-40009 comment "forward ftps"\s*\}/,
    );
    expect(only).toContain('iifname "eth1" ip daddr 192.0.2.2 tcp dport @reflected_tcp_ports ct label set 127');
    expect(only).not.toContain('"forward web",\n\t\t\t80');
    const except = compile(
      GatewayModel.parse(base({ forwards: [FTPS, { ...WEB, reflection: false }], reflection: { enabled: true } })),
    );
    expect(except).toMatch(/set unreflected_tcp_ports \{[^}]*80 comment "forward web",\s*443 comment "forward web"/);
    expect(except).toContain('tcp dport != @unreflected_tcp_ports');
  });

  it('assigns the enabled helpers to reflected flows on the LAN, and lets them through the forward filter', () => {
    const m = GatewayModel.parse(
      base({
        ftp: { enabled: true, controlPorts: [21] },
        forwards: [{ ...FTPS, ftps: undefined }, WEB],
        filter: { policy: 'drop' },
        reflection: { enabled: true },
      }),
    );
    const script = compile(m);
    expect(script).toMatch(
      /chain reflection_helpers \{\n\t\ttype filter hook prerouting priority 10; policy accept;\n\t\tiifname "eth1" ip daddr 192\.168\.1\.2 tcp dport 21 ct helper set "ftp-incoming"/,
    );
    expect(script).toMatch(/chain forward_filter \{\n[^\n]*\n\t\tiifname "eth1" oifname "eth1" ct status dnat accept/);
  });

  it('refuses a public address listed twice or one that is not IPv4', () => {
    expect(codes(base({ reflection: { enabled: true, publicAddresses: ['192.0.2.2', '192.0.2.2'] } }))).toEqual([
      { path: 'reflection.publicAddresses.1', code: 'reflection.address_twice' },
    ]);
    expect(codes(base({ reflection: { enabled: true, publicAddresses: ['192.0.2.256'] } }))).toEqual([
      { path: 'reflection.publicAddresses.0', code: 'invalid_ipv4' },
    ]);
  });
});

describe('deltas and the forward index', () => {
  const parse = (input: GatewayModelInput) => GatewayModel.parse(input);
  const change = (prev: GatewayModel, next: GatewayModel, id: string) =>
    planForwardDelta(prev, next, [
      { id, before: prev.forwards.find((f) => f.id === id), after: next.forwards.find((f) => f.id === id) },
    ]);

  it("a new FTPS forward's delta carries its passive range", () => {
    const prev = parse(base({ forwards: [WEB] }));
    const next = parse(base({ forwards: [WEB, FTPS] }));
    const plan = change(prev, next, 'ftps');
    expect(plan.kind).toBe('delta');
    if (plan.kind === 'delta')
      expect(plan.script).toContain('forward_tcp_same_range { 40000-40009 comment "forward ftps"');
  });

  it('a change to a forward whose reflection flag counts is a full apply; others stay deltas', () => {
    const prev = parse(base({ forwards: [WEB] }));
    expect(change(prev, parse(base({ forwards: [WEB, { ...FTPS, reflection: true }] })), 'ftps').kind).toBe('full');
    const globalPrev = parse(base({ forwards: [WEB], reflection: { enabled: true } }));
    const globalNext = parse(base({ forwards: [WEB, FTPS], reflection: { enabled: true } }));
    expect(change(globalPrev, globalNext, 'ftps').kind).toBe('delta');
    const optOut = parse(base({ forwards: [WEB, { ...FTPS, reflection: false }], reflection: { enabled: true } }));
    expect(change(globalPrev, optOut, 'ftps').kind).toBe('full');
  });

  it('the forward index hands FTPS changes, and any change while an FTPS forward exists, to the whole model', () => {
    const m = parse(base({ forwards: [WEB] }));
    const index = new ForwardPortIndex(m.forwards);
    expect(index.check(m, FTPS, 1).kind).toBe('full');
    expect(index.check(m, { ...WEB, id: 'web2', publicPorts: '8080' }, 1).kind).toBe('ok');
    const withFtps = parse(base());
    const index2 = new ForwardPortIndex(withFtps.forwards);
    const clash: Forward = { id: 'clash', name: 'clash', publicPorts: '40003', target: '192.168.1.9' };
    expect(index2.check(withFtps, clash, 2).kind).toBe('full');
    // and the whole model refuses it
    expect(codes(base({ forwards: [FTPS, WEB, clash] }))).toEqual([
      { path: 'forwards.2.publicPorts', code: 'forward.ports_in_ftps_range' },
      { path: 'forwards.0.ftps.passivePorts', code: 'ftps.passive_overlap' },
    ]);
    expect((withFtps.forwards[0] as PortForward).ftps).toEqual({ passivePorts: '40000-40009' });
  });
});
