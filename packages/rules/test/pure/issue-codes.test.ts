/**
 * Every problem the model reports carries a stable code and the values its
 * English message quotes, so a client can say it in the operator's language;
 * the English message itself stays what scripts and older tests read.
 */
import { describe, expect, it } from 'vitest';
import { GENERIC_ISSUE_CODES, MODEL_ISSUE_CODES } from '../../src/issues.js';
import { type FieldProblem, type GatewayModelInput, validateModel } from '../../src/model.js';

const base = (): GatewayModelInput => ({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gw', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [
    { id: 'ftp', name: 'FTP', publicPorts: '21', target: '192.168.1.2' },
    { id: 'web', name: 'web', publicPorts: '80,443', target: '192.168.1.3' },
  ],
  ftp: { enabled: true, controlPorts: [21], servers: ['192.168.1.2'], passiveOnly: false },
});

function problemAt(input: unknown, path: string): FieldProblem {
  const r = validateModel(input);
  const found = r.ok ? undefined : r.problems.find((p) => p.path === path);
  if (!found) throw new Error(`no problem at ${path}: ${JSON.stringify(r.ok ? [] : r.problems)}`);
  return found;
}

function withForward(extra: Record<string, unknown>): GatewayModelInput {
  const m = base();
  m.forwards = [...(m.forwards ?? []), { id: 'x', name: 'x', publicPorts: '8080', target: '192.168.1.9', ...extra }];
  return m;
}

describe('problem codes and params', () => {
  it.each([
    ['80,70-60', 'ports.backwards', { from: 70, to: 60 }],
    ['70000', 'ports.out_of_range', { port: 70000 }],
    ['80,79-81', 'ports.overlap_in_list', { a: '79-81', b: '80' }],
    ['eighty', 'ports.format', {}],
  ])('a port spec %s is %s', (publicPorts, code, params) => {
    const p = problemAt(withForward({ publicPorts }), 'forwards.2.publicPorts');
    expect(p.code).toBe(code);
    expect(p.params).toEqual(params);
  });

  it('an overlap names the protocol, the ports and the earlier forward', () => {
    const p = problemAt(withForward({ publicPorts: '440-450' }), 'forwards.2.publicPorts');
    expect(p).toMatchObject({
      code: 'forward.ports_overlap',
      params: { proto: 'tcp', ports: '443', other: 'web' },
      message: 'tcp port(s) 443 already forwarded by "web"',
    });
  });

  it('shadowing a gateway forward names its port and name', () => {
    const p = problemAt(withForward({ publicPorts: '2222' }), 'forwards.2.publicPorts');
    expect(p).toMatchObject({
      code: 'forward.shadows_gateway_forward',
      params: { port: 2222, name: 'ssh to the gateway' },
    });
  });

  it('a duplicate id names the object that has it', () => {
    const p = problemAt(withForward({ id: 'web' }), 'forwards.2.id');
    expect(p).toMatchObject({ code: 'id.taken_by_forward', params: { id: 'web', name: 'web' } });
  });

  it('overlapping sources say how they overlap', () => {
    const p = problemAt(withForward({ allowedSources: ['10.0.0.0/8', '10.1.0.0/16'] }), 'forwards.2.allowedSources.1');
    expect(p).toMatchObject({ code: 'sources.within', params: { prefix: '10.1.0.0/16', other: '10.0.0.0/8' } });
  });

  it('the interfaces and the FTP helper rules have their codes', () => {
    const m = base();
    m.interfaces = { wan: 'eth0', lan: ['eth0'] };
    expect(problemAt(m, 'interfaces.lan.0')).toMatchObject({ code: 'interfaces.lan_is_wan', params: { name: 'eth0' } });
    const f = base();
    f.ftp = { enabled: true, controlPorts: [2121], servers: [], passiveOnly: false };
    expect(problemAt(f, 'ftp.controlPorts.0')).toMatchObject({ code: 'ftp.port_not_exposed', params: { port: 2121 } });
  });

  it('a regex check is named by its pattern, a refinement by its params', () => {
    expect(problemAt(withForward({ id: 'Web' }), 'forwards.2.id').code).toBe('id.format');
    expect(problemAt({ ...base(), table: 'fwd' }, 'table').code).toBe('table.keyword');
    expect(problemAt(withForward({ name: 'a"b' }), 'forwards.2.name').code).toBe('text.forbidden_chars');
  });

  it("zod's own checks map to generic codes with their bounds", () => {
    expect(problemAt(withForward({ name: 'n'.repeat(65) }), 'forwards.2.name')).toMatchObject({
      code: 'too_long',
      params: { maximum: 64 },
    });
    expect(problemAt(withForward({ targetPort: 0 }), 'forwards.2.targetPort')).toMatchObject({
      code: 'too_small',
      params: { minimum: 1 },
    });
    expect(problemAt(withForward({ target: 'nine' }), 'forwards.2.target').code).toBe('invalid_ipv4');
    expect(problemAt(withForward({ protocol: 'icmp' }), 'forwards.2.protocol')).toMatchObject({
      code: 'invalid_value',
      params: { values: 'tcp, udp, both' },
    });
    expect(problemAt(withForward({ name: '' }), 'forwards.2.name').code).toBe('required');
  });

  it('every code a problem carries is a listed one', () => {
    const known = new Set<string>([...MODEL_ISSUE_CODES, ...GENERIC_ISSUE_CODES]);
    const r = validateModel({
      interfaces: { wan: 'eth0', lan: ['eth0', 'eth0', '..'] },
      table: 'fwd',
      forwards: [
        { id: 'A', name: '', publicPorts: '1-2,2', target: '10.0.0.1/8', targetPort: 1.5, protocol: 'x' },
        { id: 'b', name: 'b', publicPorts: '1-10', target: '10.0.0.1', targetPort: 65530 },
      ],
      ftp: { enabled: false, passiveOnly: true, controlPorts: [21, 21] },
    });
    expect(r.ok).toBe(false);
    const codes = r.ok ? [] : r.problems.map((p) => p.code);
    expect(codes.length).toBeGreaterThan(8);
    expect(codes.filter((c) => !known.has(c ?? ''))).toEqual([]);
  });
});
