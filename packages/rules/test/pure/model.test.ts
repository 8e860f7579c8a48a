/**
 * Validation: every semantic rule of the model, each reported on the field it
 * concerns with a message an operator can act on. Each case starts from a
 * valid model and breaks exactly one thing, so removing a rule fails its test.
 */
import { describe, expect, it } from 'vitest';
import { GatewayModel, validateModel } from '../../src/model.js';
import { parsePortSpec } from '../../src/ports.js';
import { base, expectProblem, problems } from '../support/model-problems.js';

describe('the base model', () => {
  it('is valid and fills defaults', () => {
    const r = validateModel(base());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model.table).toBe('gatehouse');
    expect(r.model.forwards[0]?.protocol).toBe('tcp');
    expect(r.model.forwards[0]?.enabled).toBe(true);
    expect(r.model.masquerade).toEqual({ forwardedServers: true, lanToWan: true });
    expect(r.model.filter.policy).toBe('accept');
  });
});

describe('interfaces', () => {
  it('rejects a name longer than IFNAMSIZ allows', () => {
    const m = base();
    m.interfaces.wan = 'a-very-long-interface';
    expectProblem(m, 'interfaces.wan', /at most 15 characters/);
  });
  it('rejects characters the kernel refuses', () => {
    const m = base();
    m.interfaces.lan = ['eth 1'];
    expectProblem(m, 'interfaces.lan.0', /letters, digits/);
  });
  it('rejects a LAN interface that is the WAN interface', () => {
    const m = base();
    m.interfaces.lan = ['eth0'];
    expectProblem(m, 'interfaces.lan.0', /already the WAN interface/);
  });
  it('rejects the same LAN interface twice', () => {
    const m = base();
    m.interfaces.lan = ['eth1', 'eth1'];
    expectProblem(m, 'interfaces.lan.1', /listed twice/);
  });
});

describe('names', () => {
  it('rejects an nft keyword as table name (fwd is one in nft 1.0.6)', () => {
    expectProblem({ ...base(), table: 'fwd' }, 'table', /nftables keyword/);
  });
  it('rejects a table name that is not an identifier', () => {
    expectProblem({ ...base(), table: 'my-nat' }, 'table', /lowercase letters, digits and underscores/);
  });
  it('rejects a quote in a forward name (nft strings have no escapes)', () => {
    const m = base();
    (m.forwards ?? [])[0]!.name = 'say "hi"';
    expectProblem(m, 'forwards.0.name', /may not contain quotes/);
  });
  it('rejects a malformed id', () => {
    const m = base();
    (m.forwards ?? [])[0]!.id = 'Has Space';
    expectProblem(m, 'forwards.0.id', /lowercase letters, digits and dashes/);
  });
  it('rejects a duplicate id across forwards and gateway forwards', () => {
    const m = base();
    (m.forwards ?? [])[1]!.id = 'ssh-gw';
    expectProblem(m, 'gatewayForwards.0.id', /already used by forward "web"/);
  });
});

describe('ports', () => {
  it.each([
    ['0', /outside 1-65535/],
    ['70000', /outside 1-65535/],
    ['100-90', /runs backwards/],
    ['80,abc', /use a port/],
    ['1-100,50-60', /overlap within the list/],
  ])('rejects the port spec %s', (spec, message) => {
    const m = base();
    (m.forwards ?? [])[1]!.publicPorts = spec;
    expectProblem(m, 'forwards.1.publicPorts', message);
  });
  it('parses lists and ranges, sorted', () => {
    expect(parsePortSpec('8000-8100, 80 ,443')).toEqual({
      ok: true,
      ranges: [
        { from: 80, to: 80 },
        { from: 443, to: 443 },
        { from: 8000, to: 8100 },
      ],
    });
  });
  it('rejects a target port with a port list', () => {
    const m = base();
    (m.forwards ?? [])[1]!.targetPort = 8080;
    expectProblem(m, 'forwards.1.targetPort', /single public port or one range/);
  });
  it('rejects a shifted range that runs past 65535', () => {
    const m = base();
    m.forwards?.push({ id: 'x', name: 'x', publicPorts: '1000-1010', target: '192.168.1.4', targetPort: 65530 });
    expectProblem(m, 'forwards.2.targetPort', /runs past 65535/);
  });
});

describe('overlaps and shadowing', () => {
  it('rejects overlapping public ports between enabled forwards, naming the other forward', () => {
    const m = base();
    m.forwards?.push({ id: 'alt', name: 'alt web', publicPorts: '400-500', target: '192.168.1.9' });
    expectProblem(m, 'forwards.2.publicPorts', /tcp port\(s\) 443 already forwarded by "web"/);
  });
  it('accepts the same port on different protocols', () => {
    const m = base();
    m.forwards?.push({ id: 'dns', name: 'dns', protocol: 'udp', publicPorts: '80', target: '192.168.1.9' });
    expect(problems(m)).toEqual([]);
  });
  it('counts "both" as tcp and udp', () => {
    const m = base();
    m.forwards?.push({ id: 'dns', name: 'dns', protocol: 'both', publicPorts: '443', target: '192.168.1.9' });
    expectProblem(m, 'forwards.2.publicPorts', /tcp port\(s\) 443 already forwarded by "web"/);
  });
  it('ignores a disabled forward when checking overlaps', () => {
    const m = base();
    m.forwards?.push({ id: 'alt', name: 'alt', enabled: false, publicPorts: '443', target: '192.168.1.9' });
    expect(problems(m)).toEqual([]);
  });
  it('rejects a forward that shadows a management port', () => {
    const m = base();
    m.forwards?.push({ id: 'all', name: 'all high', publicPorts: '2000-3000', target: '192.168.1.9' });
    expectProblem(m, 'forwards.2.publicPorts', /port 2222 is the gateway's own forward "ssh to the gateway"/);
  });
  it('rejects two gateway forwards on the same port', () => {
    const m = base();
    m.gatewayForwards?.push({ id: 'ssh2', name: 'second ssh', publicPort: 2222, localPort: 2022 });
    expectProblem(m, 'gatewayForwards.1.publicPort', /already used by gateway forward/);
  });
});

describe('FTP helper policy', () => {
  it('rejects a control port no forward exposes', () => {
    const m = base();
    m.ftp = { enabled: true, controlPorts: [21, 2121] };
    expectProblem(m, 'ftp.controlPorts.1', /no enabled TCP forward exposes port 2121 on any server/);
  });
  it('names the configured servers when the port is not exposed on them', () => {
    const m = base();
    m.ftp = { enabled: true, controlPorts: [21], servers: ['192.168.1.3'] };
    expectProblem(m, 'ftp.controlPorts.0', /exposes port 21 on 192.168.1.3/);
  });
  it('treats a changed target port as the control port (helper matches after DNAT)', () => {
    const m = base();
    m.forwards?.push({ id: 'ftp2', name: 'ftp alt', publicPorts: '2121', target: '192.168.1.2', targetPort: 21 });
    m.ftp = { enabled: true, controlPorts: [2121] };
    expectProblem(m, 'ftp.controlPorts.0', /exposes port 2121/);
  });
  it('rejects a helper server no forward targets', () => {
    const m = base();
    m.ftp = { enabled: true, controlPorts: [21], servers: ['192.168.1.2', '192.168.1.99'] };
    expectProblem(m, 'ftp.servers.1', /no enabled TCP forward targets 192.168.1.99/);
  });
  it('does not require coverage while the helper is off', () => {
    const m = base();
    m.ftp = { enabled: false, controlPorts: [2121] };
    expect(problems(m)).toEqual([]);
  });
  it('rejects passive-only without the helper', () => {
    const m = base();
    m.ftp = { enabled: false, passiveOnly: true };
    expectProblem(m, 'ftp.passiveOnly', /needs the FTP helper/);
  });
  it('rejects a control port listed twice', () => {
    const m = base();
    m.ftp = { enabled: true, controlPorts: [21, 21] };
    expectProblem(m, 'ftp.controlPorts', /listed twice/);
  });
});

describe('addresses and prefixes', () => {
  it('rejects a target that is not an IPv4 address', () => {
    const m = base();
    (m.forwards ?? [])[1]!.target = '192.168.1';
    expectProblem(m, 'forwards.1.target', /IPv4 address/);
  });
  it('rejects a malformed source prefix', () => {
    const m = base();
    (m.forwards ?? [])[1]!.allowedSources = ['203.0.113.0/33'];
    expectProblem(m, 'forwards.1.allowedSources.0', /address or prefix/);
  });
  it('rejects a prefix with host bits set, suggesting the network', () => {
    const m = base();
    (m.forwards ?? [])[1]!.allowedSources = ['203.0.113.7/24'];
    expectProblem(m, 'forwards.1.allowedSources.0', /host bits are set/);
  });
  it('accepts single addresses and clean prefixes', () => {
    const m = base();
    (m.forwards ?? [])[1]!.allowedSources = ['203.0.113.7', '198.51.100.0/24', '203.0.113.8/31'];
    expect(problems(m)).toEqual([]);
    (m.forwards ?? [])[1]!.allowedSources = ['0.0.0.0/0'];
    expect(problems(m)).toEqual([]);
  });
});

describe('scale', () => {
  it('validates 100,000 non-overlapping forwards and finds one overlap among them', () => {
    const forwards = Array.from({ length: 100_000 }, (_, i) => ({
      id: `f${i}`,
      name: `f${i}`,
      protocol: 'tcp' as const,
      publicPorts: String((i % 60_000) + 1),
      target: `10.${Math.floor(i / 60_000)}.0.${(i % 250) + 1}`,
      enabled: i < 60_000,
    }));
    expect(GatewayModel.safeParse({ interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards }).success).toBe(true);
    forwards[70_000]!.enabled = true; // port 10001 again
    const found = problems({ interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards });
    expect(found).toEqual([
      { path: 'forwards.70000.publicPorts', message: 'tcp port(s) 10001 already forwarded by "f10000"' },
    ]);
  });
});
