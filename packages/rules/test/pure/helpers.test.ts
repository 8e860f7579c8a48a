/**
 * Helpers as a family (issue #13.4): the tftp section is optional (a stored
 * model from before it loads unchanged, and compiles to the same bytes), is
 * validated like ftp's (field-level problems with codes), renders one helper
 * object and one assignment chain, and a forward change it depends on is
 * never a map-element delta. The lab proof is lab-tftp.test.ts.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { planForwardChange } from '../../src/delta.js';
import { feedsFtpHelper } from '../../src/forward-index.js';
import { probeHelperKind, probeHelperKinds } from '../../src/helper-kernel.js';
import { HELPER_KIND_SPECS, HELPER_KINDS } from '../../src/helper-kinds.js';
import { GatewayModel, type GatewayModelInput, validateModel } from '../../src/model.js';
import { renderPersistence } from '../../src/persistence.js';
import { enabledHelperKinds, helperServers, renderHelperAssignment } from '../../src/render/helpers.js';

const base = (): GatewayModelInput => ({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  forwards: [
    { id: 'ftp', name: 'FTP', publicPorts: '21', target: '192.168.1.2' },
    { id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: '192.168.1.2' },
    { id: 'web', name: 'web', publicPorts: '80', target: '192.168.1.3' },
  ],
  ftp: { enabled: true, controlPorts: [21], servers: [], passiveOnly: false },
});

const problems = (input: GatewayModelInput) => {
  const r = validateModel(input);
  return r.ok ? [] : r.problems.map(({ path, code, params, message }) => ({ path, code, params, message }));
};

describe('the helper-kind registry', () => {
  it('describes FTP as it always was and TFTP as UDP 69 with its own modules', () => {
    expect(HELPER_KINDS).toEqual(['ftp', 'tftp']);
    expect(HELPER_KIND_SPECS.ftp).toMatchObject({
      nftType: 'ftp',
      protocol: 'tcp',
      defaultPorts: [21],
      conntrackModule: 'nf_conntrack_ftp',
      natModule: 'nf_nat_ftp',
      passiveOnly: true,
      objectName: 'ftp-incoming',
    });
    expect(HELPER_KIND_SPECS.tftp).toMatchObject({
      nftType: 'tftp',
      protocol: 'udp',
      defaultPorts: [69],
      conntrackModule: 'nf_conntrack_tftp',
      natModule: 'nf_nat_tftp',
      passiveOnly: false,
      objectName: 'tftp-incoming',
    });
  });
});

describe('the tftp section', () => {
  it('is optional: a stored model without it loads with TFTP off and compiles with no TFTP parts', () => {
    const stored = base();
    const m = GatewayModel.parse(stored);
    expect(m.tftp).toEqual({ enabled: false, ports: [69], servers: [] });
    expect(m.ftp).toEqual({ enabled: true, controlPorts: [21], servers: [], passiveOnly: false });
    const script = compile(m);
    expect(script).not.toMatch(/ct helper tftp|tftp_helpers|"tftp"/);
    // Switched off explicitly, the script is the same bytes.
    expect(compile(GatewayModel.parse({ ...stored, tftp: { enabled: false } }))).toBe(script);
  });

  it('switched on, adds one helper object and one chain assigning it to the UDP 69 flows of the forwarded server', () => {
    const m = GatewayModel.parse({ ...base(), tftp: { enabled: true } });
    expect(enabledHelperKinds(m)).toEqual(['ftp', 'tftp']);
    expect(helperServers(m, 'tftp')).toEqual(['192.168.1.2']);
    const script = compile(m);
    expect(script).toContain('\tct helper tftp-incoming {\n\t\ttype "tftp" protocol udp\n\t\tl3proto ip\n\t}\n');
    expect(script).toContain(
      '\tchain tftp_helpers {\n\t\ttype filter hook prerouting priority 10; policy accept;\n\t\tiifname "eth0" ip daddr 192.168.1.2 udp dport 69 ct helper set "tftp-incoming" comment "tftp helper: inspect read and write requests"\n\t}\n',
    );
    // FTP's parts are untouched by TFTP's.
    expect(script).toContain(
      'tcp dport 21 ct helper set "ftp-incoming" comment "ftp helper: inspect control connections"',
    );
  });

  it('the assignment rule can be produced for other input interfaces (NAT reflection)', () => {
    const m = GatewayModel.parse({
      ...base(),
      interfaces: { wan: 'eth0', lan: ['eth1', 'eth2'] },
      tftp: { enabled: true },
    });
    expect(renderHelperAssignment(m, 'tftp', { interfaces: ['eth1', 'eth2'], what: 'reflected requests' })).toEqual([
      'iifname { "eth1", "eth2" } ip daddr 192.168.1.2 udp dport 69 ct helper set "tftp-incoming" comment "tftp helper: inspect reflected requests"',
    ]);
    expect(renderHelperAssignment(m, 'tftp', { interfaces: [] })).toEqual([]);
  });

  it('reports, on the field, a port no UDP forward exposes (a TCP forward does not count)', () => {
    expect(problems({ ...base(), tftp: { enabled: true, ports: [80] } })).toEqual([
      {
        path: 'tftp.ports.0',
        code: 'tftp.port_not_exposed',
        params: { port: 80 },
        message: 'no enabled UDP forward exposes port 80 on any server',
      },
    ]);
  });

  it('reports a port not exposed on the listed servers, and a listed server no UDP forward targets', () => {
    expect(problems({ ...base(), tftp: { enabled: true, servers: ['192.168.1.3'] } })).toEqual([
      {
        path: 'tftp.ports.0',
        code: 'tftp.port_not_exposed_on',
        params: { port: 69, servers: '192.168.1.3' },
        message: 'no enabled UDP forward exposes port 69 on 192.168.1.3',
      },
      {
        path: 'tftp.servers.0',
        code: 'tftp.server_not_forwarded',
        params: { server: '192.168.1.3' },
        message: 'no enabled UDP forward targets 192.168.1.3',
      },
    ]);
  });

  it('reports a port listed twice, no ports, and bad values by field; off, nothing is checked against forwards', () => {
    expect(problems({ ...base(), tftp: { enabled: true, ports: [69, 69] } })).toEqual([
      { path: 'tftp.ports', code: 'tftp.port_twice', params: {}, message: 'a port is listed twice' },
    ]);
    expect(problems({ ...base(), tftp: { enabled: true, ports: [] } })[0]).toMatchObject({
      path: 'tftp.ports',
      code: 'too_few',
    });
    const bad = problems({ ...base(), tftp: { enabled: true, ports: [0], servers: ['x'] } });
    expect(bad.slice(0, 2).map((p) => [p.path, p.code])).toEqual([
      ['tftp.ports.0', 'too_small'],
      ['tftp.servers.0', 'invalid_ipv4'],
    ]);
    expect(problems({ ...base(), tftp: { enabled: false, ports: [4242] } })).toEqual([]);
  });

  it('a TCP-only forward on 69 is not a TFTP forward; passive-only is not a TFTP field', () => {
    const input = base();
    input.forwards = [{ id: 'tcp69', name: 'tcp 69', publicPorts: '69', target: '192.168.1.2' }];
    input.ftp = { enabled: false };
    expect(problems({ ...input, tftp: { enabled: true } }).map((p) => p.code)).toEqual(['tftp.port_not_exposed']);
    const m = GatewayModel.parse({ ...base(), tftp: { enabled: true, passiveOnly: true } });
    expect(m.tftp).not.toHaveProperty('passiveOnly');
  });
});

describe('forward changes a TFTP helper depends on', () => {
  const withTftp = (edit: (m: GatewayModelInput) => void = () => {}) => {
    const m = { ...base(), ftp: { enabled: false }, tftp: { enabled: true } } as GatewayModelInput;
    edit(m);
    return GatewayModel.parse(m);
  };

  it('are full applies, not map-element deltas, when the helper derives its servers from them', () => {
    const next = withTftp((m) =>
      m.forwards?.push({
        id: 'tftp2',
        name: 'tftp 2',
        protocol: 'udp',
        publicPorts: '1069',
        targetPort: 69,
        target: '192.168.1.4',
      }),
    );
    expect(helperServers(next, 'tftp')).toEqual(['192.168.1.2', '192.168.1.4']);
    expect(planForwardChange(withTftp(), next, ['tftp2'])).toMatchObject({
      kind: 'full',
      reason: 'forward tftp2 changes which servers the TFTP helper inspects',
    });
    // A forward the helper does not look at stays a delta.
    const other = withTftp((m) =>
      m.forwards?.push({ id: 'ssh', name: 'ssh', publicPorts: '22', target: '192.168.1.4' }),
    );
    expect(planForwardChange(withTftp(), other, ['ssh']).kind).toBe('delta');
  });

  it('are seen by the per-forward check the server uses', () => {
    const m = withTftp();
    const [, tftp, web] = m.forwards;
    expect(feedsFtpHelper(m, tftp as (typeof m.forwards)[number])).toBe(true);
    expect(feedsFtpHelper(m, web as (typeof m.forwards)[number])).toBe(false);
  });
});

describe('boot persistence of the TFTP helper', () => {
  const m = (enabled: boolean) => GatewayModel.parse({ ...base(), ftp: { enabled: false }, tftp: { enabled } });
  const tftpFile = (files: { path: string }[]) => files.find((f) => f.path.endsWith('/gatehouse-tftp.conf'));

  it('keeps nf_nat_tftp loaded across reboots where it is a module, not where it is built in or TFTP is off', () => {
    expect(tftpFile(renderPersistence(m(true)))).toMatchObject({
      path: '/etc/modules-load.d/gatehouse-tftp.conf',
      content: expect.stringMatching(/\nnf_nat_tftp\n$/),
    });
    const builtin = { module: 'nf_nat_tftp', state: 'builtin' as const, evidence: '/proc/config.gz' };
    expect(tftpFile(renderPersistence(m(true), { natTftp: builtin }))).toBeUndefined();
    expect(tftpFile(renderPersistence(m(false)))).toBeUndefined();
  });
});

describe('the kernel check per helper kind', () => {
  /** A kernel as files: /proc/modules lists loaded modules; a gzipped config names built-in ones. */
  const kernel = (loaded: string[], builtin: string[]) => ({
    exists: async () => false,
    read: async (path: string) =>
      path === '/proc/modules'
        ? Buffer.from(loaded.map((m) => `${m} 16384 0 - Live 0x0\n`).join(''))
        : path === '/proc/config.gz'
          ? gzipSync(builtin.map((m) => `CONFIG_${m.toUpperCase()}=y\n`).join(''))
          : null,
    release: async () => 'test',
  });

  it('reads the module names from the registry and says for each how it is present', async () => {
    const states = await probeHelperKinds(kernel(['nf_conntrack_tftp'], ['nf_conntrack_ftp', 'nf_nat_ftp']));
    expect(states.map((s) => [s.kind, s.conntrack?.state ?? null, s.nat?.state ?? null])).toEqual([
      ['ftp', 'builtin', 'builtin'],
      ['tftp', 'loaded', null],
    ]);
    expect((await probeHelperKind('tftp', kernel([], ['nf_nat_tftp']))).nat).toMatchObject({
      module: 'nf_nat_tftp',
      state: 'builtin',
      evidence: '/proc/config.gz CONFIG_NF_NAT_TFTP=y',
    });
  });
});
