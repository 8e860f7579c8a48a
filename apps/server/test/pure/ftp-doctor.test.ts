/**
 * The FTP doctor's verdicts, pure: each check from the facts it is given
 * (the record fed with the captured conntrack events of a passive transfer,
 * vsftpd's replies, module states, models). The lab test
 * (ftp-doctor-lab.test.ts) proves the same verdicts with real traffic.
 */
import { readFileSync } from 'node:fs';
import { GatewayModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { parseExpectationLine, parseFlowLine } from '../../src/conntrack/parse.js';
import { ConntrackTable } from '../../src/conntrack/table.js';
import { FTP_DOCTOR_CODES } from '../../src/schemas/ftp-diagnosis.js';
import { FtpActivity } from '../../src/services/ftp-doctor/activity.js';
import { ftpForwards } from '../../src/services/ftp-doctor/forwards.js';
import { helperScopeCheck } from '../../src/services/ftp-doctor/helper-scope.js';
import { heuristicsCheck } from '../../src/services/ftp-doctor/heuristics.js';
import { kernelCheck } from '../../src/services/ftp-doctor/kernel.js';
import { liveEvidenceCheck } from '../../src/services/ftp-doctor/live-evidence.js';
import {
  dropCounterOf,
  PASSIVE_ONLY_DROP_COMMENT,
  passiveOnlyCheck,
} from '../../src/services/ftp-doctor/passive-only.js';
import { type ProbeTranscript, parsePasv, probeCheck } from '../../src/services/ftp-doctor/probe.js';
import { FTP_DOCTOR_TEXT, fill, worst } from '../../src/services/ftp-doctor/texts.js';

const FIXTURES = '/work/shared/fixtures/conntrack';
const lines = (name: string) =>
  readFileSync(`${FIXTURES}/${name}`, 'utf8')
    .split('\n')
    .filter((l) => l.includes('['));

const SERVER = '192.168.1.2';
const PUBLIC = '192.0.2.2';
const CLIENT = '192.0.2.101';

const model = (
  ftp: Record<string, unknown>,
  forwards: unknown[] = [{ id: 'ftp', name: 'FTP', publicPorts: '21', target: SERVER }],
) => GatewayModel.parse({ interfaces: { wan: 'eth0', lan: ['eth1'] }, forwards, ftp });
const FWD = {
  forwardId: 'ftp',
  forwardName: 'FTP',
  server: SERVER,
  controlPort: 21,
  publicPort: 21,
  ftpsPassivePorts: null,
};
const FTPS_FWD = { ...FWD, ftpsPassivePorts: '40000-40009' };

/** The captured passive transfer, replayed in the order the kernel produced it, through the real index. */
function replayPassiveTransfer(now = () => 1_000_000) {
  const activity = new FtpActivity((s, p) => s === SERVER && p === 21, now);
  const table = new ConntrackTable(now);
  const flows = lines('events-flows.txt').map((l) => parseFlowLine(l));
  const expects = lines('events-expect.txt').map((l) => parseExpectationLine(l));
  const applyFlow = (i: number) => {
    const f = flows[i];
    if (!f?.type) throw new Error(`fixture line ${i}`);
    activity.flow(f.type, table.applyFlowEvent(f.type, f.flow));
  };
  const applyExpect = (i: number) => {
    const x = expects[i];
    if (!x?.type) throw new Error(`fixture line ${i}`);
    activity.expectation(x.type, table.applyExpectationEvent(x.type, x.expectation));
  };
  for (const i of [0, 1, 2]) applyFlow(i); // the control connection, with helper=ftp
  applyExpect(0); // PASV: the expectation
  applyFlow(3); // the data connection consumes it
  applyExpect(1);
  for (let i = 4; i < flows.length; i++) applyFlow(i);
  return activity;
}

describe('kernel', () => {
  const builtin = (module: string) => ({ module, state: 'builtin' as const, evidence: `/sys/module/${module}` });
  it('ok when both are there, saying how', () => {
    const c = kernelCheck({
      conntrackFtp: builtin('nf_conntrack_ftp'),
      natFtp: { module: 'nf_nat_ftp', state: 'builtin', evidence: '/proc/kallsyms nf_nat_ftp_init' },
      helperLoads: { ok: true, message: '' },
    });
    expect(c.status).toBe('ok');
    expect(c.finding.text).toBe('The kernel has nf_conntrack_ftp (builtin) and nf_nat_ftp (builtin).');
    expect(c.evidence.map((e) => e.code)).toEqual(['evidence.module', 'evidence.module', 'evidence.helper_loads']);
  });
  it('fails without nf_nat_ftp, with the modprobe fix', () => {
    const c = kernelCheck({
      conntrackFtp: builtin('nf_conntrack_ftp'),
      natFtp: null,
      helperLoads: { ok: true, message: '' },
    });
    expect(c).toMatchObject({
      status: 'failure',
      finding: { code: 'kernel.nat_missing' },
      fix: { code: 'fix.load_nat_ftp' },
    });
  });
  it('fails when a ct helper of type ftp does not load, whatever the files say', () => {
    const c = kernelCheck({
      conntrackFtp: builtin('nf_conntrack_ftp'),
      natFtp: builtin('nf_nat_ftp'),
      helperLoads: { ok: false, message: 'Error: Could not process rule: No such file or directory' },
    });
    expect(c).toMatchObject({ status: 'failure', finding: { code: 'kernel.conntrack_missing' } });
    expect(c.evidence.at(-1)?.text).toContain('No such file or directory');
  });
});

describe('helper scope', () => {
  const applied = (m: GatewayModel) => ({ revision: 7, at: '2026-01-01T00:00:00.000Z', model: m });
  const facts = { desiredDiffers: false, desiredCovers: false, helperObjectLive: true };
  it('fails while nothing is applied, and while the helper is off', () => {
    expect(helperScopeCheck(FWD, { ...facts, applied: null }).finding.code).toBe('scope.nothing_applied');
    const off = helperScopeCheck(FWD, { ...facts, applied: applied(model({ enabled: false })) });
    expect(off).toMatchObject({ status: 'failure', finding: { code: 'scope.helper_off', params: { revision: 7 } } });
    expect(off.fix?.code).toBe('fix.enable_helper');
  });
  it('says apply when the desired state already covers it', () => {
    const c = helperScopeCheck(FWD, {
      ...facts,
      desiredDiffers: true,
      desiredCovers: true,
      applied: applied(model({ enabled: false })),
    });
    expect(c.fix?.code).toBe('fix.apply');
    expect(c.evidence.map((e) => e.code)).toContain('evidence.desired_differs');
  });
  it('fails for a port or a server the helper does not inspect', () => {
    const port = helperScopeCheck(
      { ...FWD, controlPort: 2121 },
      {
        ...facts,
        applied: applied(
          model({ enabled: true, controlPorts: [21] }, [
            { id: 'ftp', name: 'FTP', publicPorts: '21,2121', target: SERVER },
          ]),
        ),
      },
    );
    expect(port).toMatchObject({
      finding: { code: 'scope.port_not_covered' },
      fix: { code: 'fix.add_control_port', params: { port: 2121 } },
    });
    const two = [
      { id: 'ftp', name: 'FTP', publicPorts: '21', target: SERVER },
      { id: 'b', name: 'B', publicPorts: '2121', targetPort: 21, target: '192.168.1.3' },
    ];
    const server = helperScopeCheck(
      { ...FWD, server: '192.168.1.3' },
      { ...facts, applied: applied(model({ enabled: true, servers: [SERVER] }, two)) },
    );
    expect(server).toMatchObject({ finding: { code: 'scope.server_not_covered' }, fix: { code: 'fix.add_server' } });
  });
  it('an FTPS forward needs no helper: its passive range is forwarded', () => {
    const c = helperScopeCheck(FTPS_FWD, { ...facts, applied: applied(model({ enabled: false })) });
    expect(c).toMatchObject({ status: 'ok', finding: { code: 'scope.ftps', params: { range: '40000-40009' } } });
  });
  it('fails when the table lost its helper object (drift), ok otherwise', () => {
    const m = applied(model({ enabled: true }));
    expect(helperScopeCheck(FWD, { ...facts, applied: m, helperObjectLive: false }).fix?.code).toBe('fix.restore');
    expect(helperScopeCheck(FWD, { ...facts, applied: m })).toMatchObject({
      status: 'ok',
      finding: { code: 'scope.ok' },
    });
  });
});

describe('live evidence (the captured passive transfer)', () => {
  it('ok: control connections with the helper, an expectation, a linked data connection', () => {
    const activity = replayPassiveTransfer();
    const a = activity.activity(SERVER, 21);
    expect(a).toMatchObject({ flows: 2, withHelper: 2, expectations: 1, dataLinked: 1, lastHadHelper: true });
    const c = liveEvidenceCheck(FWD, { activity: a, live: { flows: 0, withHelper: 0 }, since: 0 });
    expect(c).toMatchObject({ status: 'ok', finding: { code: 'live.ok', params: { flows: 2, withHelper: 2 } } });
  });
  it('counts an expectation whose control connection came from a dump, not an event', () => {
    const table = new ConntrackTable(() => 0);
    const control = parseFlowLine(lines('events-flows.txt')[2] as string)?.flow;
    if (!control) throw new Error('fixture');
    table.replaceFlows([control]);
    const activity = new FtpActivity(
      () => true,
      () => 7,
      (id) => table.flows.get(id),
    );
    const x = parseExpectationLine(lines('events-expect.txt')[0] as string);
    if (!x?.type) throw new Error('fixture');
    activity.expectation('new', { ...x.expectation, masterId: control.id });
    expect(activity.activity(SERVER, 21)).toMatchObject({ expectations: 1, lastExpectationAt: 7 });
  });
  it('fails when the newest control connection has no helper', () => {
    const activity = new FtpActivity(
      () => true,
      () => 5,
    );
    const line = lines('events-flows.txt')[0]?.replace(' helper=ftp', '') as string;
    const f = parseFlowLine(line);
    activity.flow('new', { ...(f?.flow as NonNullable<typeof f>['flow']) });
    const c = liveEvidenceCheck(FWD, {
      activity: activity.activity(SERVER, 21),
      live: { flows: 0, withHelper: 0 },
      since: 0,
    });
    expect(c).toMatchObject({
      status: 'failure',
      finding: { code: 'live.without_helper' },
      fix: { code: 'fix.enable_helper' },
    });
    expect(c.evidence.find((e) => e.code === 'evidence.flow_without_helper')?.params.client).toBe(CLIENT);
  });
  it('says so when no traffic came yet, and reads the live table when nothing was recorded', () => {
    const empty = new FtpActivity(() => true).activity(SERVER, 21);
    expect(liveEvidenceCheck(FWD, { activity: empty, live: { flows: 0, withHelper: 0 }, since: 0 }).finding.code).toBe(
      'live.no_traffic',
    );
    expect(liveEvidenceCheck(FWD, { activity: empty, live: { flows: 3, withHelper: 1 }, since: 0 }).status).toBe(
      'failure',
    );
  });
});

describe('passive-only', () => {
  it('reads the drop rule counter by its comment, null without a counter', () => {
    const rule = (expr: unknown[]) => ({ nftables: [{ rule: { comment: PASSIVE_ONLY_DROP_COMMENT, expr } }] });
    expect(dropCounterOf(rule([{ counter: { packets: 3, bytes: 180 } }, { drop: null }]))).toBe(3);
    expect(dropCounterOf(rule([{ drop: null }]))).toBeNull();
    expect(dropCounterOf({})).toBeNull();
  });
  it('lists the active attempts and warns when the server announces the public address', () => {
    const attempts = [{ at: 0, client: CLIENT }];
    const on = passiveOnlyCheck({
      passiveOnly: true,
      dropPackets: null,
      activeAttempts: attempts,
      announcesPublic: false,
    });
    expect(on.finding.code).toBe('passive.on');
    expect(on.evidence.map((e) => e.code)).toEqual(['evidence.counter_unavailable', 'evidence.active_attempt']);
    expect(
      passiveOnlyCheck({ passiveOnly: true, dropPackets: 2, activeAttempts: [], announcesPublic: true }),
    ).toMatchObject({
      status: 'warning',
      finding: { code: 'passive.blocks_nothing' },
      evidence: [{ code: 'evidence.drop_counter', params: { packets: 2 } }],
    });
    expect(
      passiveOnlyCheck({ passiveOnly: false, dropPackets: null, activeAttempts: [], announcesPublic: true }).finding
        .code,
    ).toBe('passive.off');
  });
});

describe('probe', () => {
  const vsftpd = (
    pasv: string | null,
    login = 230,
    feat = ['211-Features:', ' AUTH TLS', ' PASV', '211 End'],
  ): ProbeTranscript => ({
    connected: true,
    replies: [
      { command: '', code: 220, lines: ['220 (vsFTPd 3.0.3)'] },
      { command: 'FEAT', code: 211, lines: feat },
      { command: 'USER anonymous', code: login, lines: [`${login} whatever`] },
      ...(pasv ? [{ command: 'PASV', code: 227, lines: [pasv] }] : []),
    ],
  });
  it('parses 227 replies', () => {
    expect(parsePasv('227 Entering Passive Mode (192,168,1,2,117,49).')).toEqual({ host: SERVER, port: 30001 });
    expect(parsePasv('227 Entering Passive Mode (300,1,1,1,1,1)')).toBeNull();
  });
  it('ok for the server’s own address, warning for the public one, failure for another network', () => {
    const own = probeCheck(FWD, vsftpd('227 Entering Passive Mode (192,168,1,2,117,49).'), [PUBLIC]);
    expect(own).toMatchObject({ status: 'ok', finding: { code: 'probe.ok' } });
    expect(own.evidence.map((e) => e.code)).toEqual(['evidence.banner', 'evidence.auth_tls_offered', 'evidence.pasv']);
    expect(own.evidence[0]?.params.banner).toBe('(vsFTPd 3.0.3)');
    expect(probeCheck(FWD, vsftpd('227 Entering Passive Mode (192,0,2,2,117,49).'), [PUBLIC]).finding.code).toBe(
      'probe.public_address',
    );
    expect(probeCheck(FWD, vsftpd('227 Entering Passive Mode (10,0,0,5,117,49).'), [PUBLIC])).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.foreign_address', params: { host: '10.0.0.5' } },
    });
  });
  it('an FTPS forward needs the server to announce the public address and a port of its forwarded range', () => {
    const ok = probeCheck(FTPS_FWD, { ...vsftpd('227 Entering Passive Mode (192,0,2,2,156,68).'), tls: true }, [
      PUBLIC,
    ]);
    expect(ok).toMatchObject({
      status: 'ok',
      finding: { code: 'probe.ftps_ok', params: { host: PUBLIC, range: '40000-40009' } },
    });
    expect(ok.evidence.map((e) => e.code)).toContain('evidence.tls');
    expect(probeCheck(FTPS_FWD, vsftpd('227 Entering Passive Mode (192,168,1,2,156,68).'), [PUBLIC])).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.ftps_private', params: { host: SERVER } },
      fix: { code: 'fix.ftps', params: { public: PUBLIC } },
    });
    expect(probeCheck(FTPS_FWD, vsftpd('227 Entering Passive Mode (192,0,2,2,117,49).'), [PUBLIC])).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.ftps_port_outside', params: { port: 30001, range: '40000-40009' } },
      fix: { code: 'fix.ftps_range' },
    });
  });
  it('PASV needs login; no answer; not FTP', () => {
    expect(probeCheck(FWD, vsftpd(null, 530, ['500 no']), [PUBLIC])).toMatchObject({
      status: 'warning',
      finding: { code: 'probe.pasv_needs_login' },
      evidence: [{ code: 'evidence.banner' }, { code: 'evidence.auth_tls_not_offered' }],
    });
    expect(probeCheck(FWD, { connected: false, error: 'ECONNREFUSED', replies: [] }, [PUBLIC])).toMatchObject({
      status: 'failure',
      finding: { code: 'probe.no_answer' },
      evidence: [{ code: 'evidence.probe_error', params: { message: 'ECONNREFUSED' } }],
    });
    const ssh = { connected: true, replies: [{ command: '', code: 0, lines: ['SSH-2.0-OpenSSH'] }] };
    expect(probeCheck(FWD, ssh, [PUBLIC]).finding.code).toBe('probe.not_ftp');
  });
});

describe('heuristics', () => {
  const control = {
    client: CLIENT,
    server: SERVER,
    port: 21,
    publicAddress: PUBLIC,
    publicPort: 21,
    startedAt: 1000,
    lastAt: 5000,
    gone: true,
  };
  it('suspects FTPS: a helper control connection without expectations and a stray connection from its client', () => {
    const c = heuristicsCheck(FWD, {
      controls: [{ ...control, expectations: 0 }],
      strays: [{ client: CLIENT, address: PUBLIC, port: 40020, at: 3000 }],
      now: 10_000,
      authTls: true,
    });
    expect(c).toMatchObject({
      status: 'warning',
      finding: { code: 'heuristics.ftps_suspected' },
      fix: { code: 'fix.ftps', params: { public: PUBLIC } },
    });
  });
  it('does not when the server offers no TLS at all', () => {
    const c = heuristicsCheck(FWD, {
      controls: [{ ...control, expectations: 0 }],
      strays: [{ client: CLIENT, address: PUBLIC, port: 40020, at: 3000 }],
      now: 10_000,
      authTls: false,
    });
    expect(c).toMatchObject({ status: 'ok', evidence: [{ code: 'evidence.auth_tls_not_offered' }] });
  });
  it('does not for a forward already marked FTPS', () => {
    const c = heuristicsCheck(FTPS_FWD, {
      controls: [{ ...control, expectations: 0 }],
      strays: [{ client: CLIENT, address: PUBLIC, port: 40020, at: 3000 }],
      now: 10_000,
      authTls: true,
    });
    expect(c.status).toBe('ok');
  });
  it('does not when the helper created expectations, or the stray came from someone else or before', () => {
    const strays = [{ client: CLIENT, address: PUBLIC, port: 40020, at: 3000 }];
    expect(
      heuristicsCheck(FWD, { controls: [{ ...control, expectations: 1 }], strays, now: 0, authTls: true }).status,
    ).toBe('ok');
    expect(
      heuristicsCheck(FWD, {
        controls: [{ ...control, expectations: 0 }],
        strays: [{ ...strays[0], client: '192.0.2.9' } as never],
        now: 0,
        authTls: true,
      }).status,
    ).toBe('ok');
    expect(
      heuristicsCheck(FWD, {
        controls: [{ ...control, expectations: 0 }],
        strays: [{ ...strays[0], at: 500 } as never],
        now: 0,
        authTls: true,
      }).status,
    ).toBe('ok');
  });
  it('the record marks a connection to an unforwarded high port of the public address as stray, a forwarded one not', () => {
    const activity = replayPassiveTransfer();
    const stray = parseFlowLine(
      '    [NEW] tcp      6 120 SYN_SENT src=192.0.2.101 dst=192.0.2.2 sport=50000 dport=40020 [UNREPLIED] src=192.0.2.2 dst=192.0.2.101 sport=40020 dport=50000',
    );
    const forwarded = parseFlowLine(
      '    [NEW] tcp      6 120 SYN_SENT src=192.0.2.101 dst=192.0.2.2 sport=50001 dport=40021 [UNREPLIED] src=192.168.1.2 dst=192.168.1.1 sport=40021 dport=50001',
    );
    activity.flow('new', forwarded?.flow as never);
    expect(activity.strayConnections()).toEqual([]);
    activity.flow('new', stray?.flow as never);
    expect(activity.strayConnections()).toEqual([{ client: CLIENT, address: PUBLIC, port: 40020, at: 1_000_000 }]);
    // A client that believes the 227 reply goes to the private address, routed (not DNATed) by the gateway.
    const believer = parseFlowLine(
      '    [NEW] tcp      6 120 SYN_SENT src=192.0.2.101 dst=192.168.1.2 sport=50002 dport=40022 [UNREPLIED] src=192.168.1.2 dst=192.0.2.101 sport=40022 dport=50002',
    );
    activity.flow('new', believer?.flow as never);
    expect(activity.strayConnections().at(-1)).toEqual({ client: CLIENT, address: SERVER, port: 40022, at: 1_000_000 });
  });
});

describe('texts', () => {
  it('every code has English, and every param it quotes is filled', () => {
    expect(Object.keys(FTP_DOCTOR_TEXT).sort()).toEqual([...FTP_DOCTOR_CODES].sort());
    expect(fill('a {{x}} b {{y}}', { x: 1 })).toBe('a 1 b {{y}}');
  });
  it('a forward is as bad as its worst check', () => {
    expect(worst(['ok', 'warning', 'ok'])).toBe('warning');
    expect(worst(['warning', 'failure'])).toBe('failure');
    expect(worst([])).toBe('ok');
  });
  it('finds the forwards exposing a control port, shifted ones included', () => {
    const m = model({ enabled: true, controlPorts: [21, 2121] }, [
      { id: 'a', name: 'A', publicPorts: '21', target: SERVER },
      { id: 'b', name: 'B', publicPorts: '8021', targetPort: 2121, target: '192.168.1.3' },
      { id: 'c', name: 'C', publicPorts: '22', target: SERVER },
      { id: 'd', name: 'D', publicPorts: '21', target: '192.168.1.4', enabled: false, protocol: 'udp' },
    ]);
    expect(ftpForwards(m).map((f) => [f.forwardId, f.server, f.controlPort, f.publicPort])).toEqual([
      ['a', SERVER, 21, 21],
      ['b', '192.168.1.3', 2121, 8021],
    ]);
  });
});
