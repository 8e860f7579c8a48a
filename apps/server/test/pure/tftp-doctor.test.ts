/**
 * The doctor's TFTP verdicts, pure: each check from the facts it is given
 * (module states, models, the record fed with conntrack events shaped like
 * the lab's, probe answers), and the passive-only drop rule the FTP part
 * reads by its comment now counts. The lab test (tftp-doctor-lab.test.ts)
 * proves the same verdicts with real traffic.
 */
import { compile, GatewayModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import type { Expectation } from '../../src/conntrack/parse.js';
import type { ObservedFlow } from '../../src/services/ftp-doctor/activity.js';
import { PASSIVE_ONLY_DROP_COMMENT } from '../../src/services/ftp-doctor/passive-only.js';
import { TftpActivity } from '../../src/services/ftp-doctor/tftp-activity.js';
import {
  tftpHelperCovers,
  tftpKernelCheck,
  tftpLiveCheck,
  tftpProbeCheck,
  tftpScopeCheck,
} from '../../src/services/ftp-doctor/tftp-checks.js';
import { tftpForwards } from '../../src/services/ftp-doctor/tftp-forwards.js';

const SERVER = '192.168.1.2';
const CLIENT = '192.0.2.101';
const PUBLIC = '192.0.2.2';
const LAN = '192.168.1.1';

const model = (tftp: Record<string, unknown>, forwards?: unknown[]) =>
  GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: forwards ?? [{ id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: SERVER }],
    tftp,
  });
const FWD = { forwardId: 'tftp', forwardName: 'TFTP', server: SERVER, port: 69, publicPort: 69 };

describe('which forwards', () => {
  it('every enabled UDP forward reaching 69 or a helper port, with its public port; TCP ones are not TFTP', () => {
    const m = model({ enabled: true, ports: [69, 1069] }, [
      { id: 'tftp', name: 'TFTP', protocol: 'udp', publicPorts: '69', target: SERVER },
      { id: 'alt', name: 'alt', protocol: 'both', publicPorts: '7069', targetPort: 1069, target: SERVER },
      { id: 'web', name: 'web', protocol: 'tcp', publicPorts: '69', target: '192.168.1.3' },
      { id: 'off', name: 'off', protocol: 'udp', publicPorts: '6969', targetPort: 69, target: SERVER, enabled: false },
    ]);
    expect(tftpForwards(m).map((f) => [f.forwardId, f.port, f.publicPort])).toEqual([
      ['tftp', 69, 69],
      ['alt', 1069, 7069],
    ]);
  });
});

describe('kernel', () => {
  const builtin = (module: string) => ({ module, state: 'builtin' as const, evidence: `/sys/module/${module}` });
  it('ok with both modules and the helper loading; fails without nf_nat_tftp, or when the helper does not load', () => {
    const ok = tftpKernelCheck({
      conntrack: builtin('nf_conntrack_tftp'),
      nat: builtin('nf_nat_tftp'),
      helperLoads: { ok: true, message: '' },
    });
    expect(ok).toMatchObject({ status: 'ok', finding: { code: 'tftp.kernel_ok' } });
    expect(ok.finding.text).toBe('The kernel has nf_conntrack_tftp (builtin) and nf_nat_tftp (builtin).');
    const noNat = tftpKernelCheck({
      conntrack: builtin('nf_conntrack_tftp'),
      nat: null,
      helperLoads: { ok: true, message: '' },
    });
    expect(noNat).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.kernel_nat_missing' },
      fix: { code: 'tftp.fix_load_nat' },
    });
    const refused = tftpKernelCheck({
      conntrack: builtin('nf_conntrack_tftp'),
      nat: builtin('nf_nat_tftp'),
      helperLoads: { ok: false, message: 'Error: Could not process rule' },
    });
    expect(refused).toMatchObject({ status: 'failure', finding: { code: 'tftp.kernel_conntrack_missing' } });
  });
});

describe('helper scope', () => {
  const applied = (m: GatewayModel) => ({ revision: 4, at: '2026-01-01T00:00:00.000Z', model: m });
  const facts = { desiredDiffers: false, desiredCovers: false, helperObjectLive: true };
  it('fails while off (apply when the desired state has it), on another port or server; ok when it covers the forward', () => {
    expect(tftpScopeCheck(FWD, { ...facts, applied: applied(model({ enabled: false })) })).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.scope_helper_off' },
      fix: { code: 'tftp.fix_enable_helper' },
    });
    const on = model({ enabled: true });
    expect(tftpHelperCovers(on, SERVER, 69)).toBe(true);
    expect(
      tftpScopeCheck(FWD, {
        ...facts,
        desiredDiffers: true,
        desiredCovers: true,
        applied: applied(model({ enabled: false })),
      }).fix?.code,
    ).toBe('fix.apply');
    expect(tftpScopeCheck({ ...FWD, port: 1069 }, { ...facts, applied: applied(on) })).toMatchObject({
      finding: { code: 'tftp.scope_port_not_covered' },
      fix: { code: 'tftp.fix_add_port', params: { port: 1069 } },
    });
    expect(tftpScopeCheck({ ...FWD, server: '192.168.1.9' }, { ...facts, applied: applied(on) }).finding.code).toBe(
      'tftp.scope_server_not_covered',
    );
    expect(tftpScopeCheck(FWD, { ...facts, helperObjectLive: false, applied: applied(on) }).finding.code).toBe(
      'tftp.scope_object_missing',
    );
    expect(tftpScopeCheck(FWD, { ...facts, applied: applied(on) })).toMatchObject({
      status: 'ok',
      finding: { code: 'tftp.scope_ok', params: { revision: 4, server: SERVER, port: 69 } },
    });
  });
});

/** A read request through the forward, as the events show it (DNATed; masquerade on the reply side). */
const request = (id: string, sport: number, helper: string | null): ObservedFlow => ({
  id,
  protonum: 17,
  helper,
  original: { src: CLIENT, dst: PUBLIC, sport, dport: 69 } as ObservedFlow['original'],
  reply: { src: SERVER, dst: LAN, sport: 69, dport: sport } as ObservedFlow['reply'],
});

describe('the record and live evidence', () => {
  it('a request without the helper: failure, with its client; nothing seen: ok, no traffic', () => {
    const a = new TftpActivity(
      (s, p) => s === SERVER && p === 69,
      () => 1_000,
    );
    expect(tftpLiveCheck(FWD, a.activity(SERVER, 69), a.since).finding.code).toBe('tftp.live_no_traffic');
    a.flow('new', request('1', 40000, null));
    const c = tftpLiveCheck(FWD, a.activity(SERVER, 69), a.since);
    expect(c).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.live_without_helper', params: { withoutHelper: 1 } },
    });
    expect(c.evidence.map((e) => e.code)).toEqual([
      'tftp.evidence_requests',
      'evidence.no_expectations',
      'tftp.evidence_no_answer_linked',
      'tftp.evidence_request_without_helper',
    ]);
    expect(c.evidence.at(-1)?.params.client).toBe(CLIENT);
  });

  it('with the helper: the expectation and the answer from a new port linked to its request make it ok', () => {
    const a = new TftpActivity(
      (s, p) => s === SERVER && p === 69,
      () => 2_000,
    );
    const req = request('7', 40001, 'tftp');
    a.flow('new', req);
    expect(tftpLiveCheck(FWD, a.activity(SERVER, 69), a.since)).toMatchObject({
      status: 'warning',
      finding: { code: 'tftp.live_no_expectations' },
    });
    a.expectation('new', { protonum: 17, master: req.original } as unknown as Expectation);
    a.flow('new', {
      id: '8',
      protonum: 17,
      helper: null,
      masterId: '7',
      original: { src: SERVER, dst: LAN, sport: 50123, dport: 40001 } as ObservedFlow['original'],
      reply: { src: CLIENT, dst: PUBLIC, sport: 40001, dport: 50123 } as ObservedFlow['reply'],
    });
    const c = tftpLiveCheck(FWD, a.activity(SERVER, 69), a.since);
    expect(c).toMatchObject({ status: 'ok', finding: { code: 'tftp.live_ok', params: { flows: 1, withHelper: 1 } } });
    expect(c.evidence.find((e) => e.code === 'evidence.expectations')?.params.count).toBe(1);
    expect(c.evidence.find((e) => e.code === 'tftp.evidence_answers_linked')?.params.count).toBe(1);
    // The expectation's event may come before its request's (two event streams): it is still counted.
    const b = new TftpActivity(
      (s, p) => s === SERVER && p === 69,
      () => 3_000,
    );
    const early = request('11', 40003, 'tftp');
    b.expectation('new', { protonum: 17, master: early.original } as unknown as Expectation);
    b.flow('new', early);
    expect(b.activity(SERVER, 69)).toMatchObject({ expectations: 1, lastExpectationAt: 3_000 });
    // TCP to port 69 and requests to another server are not TFTP requests of this forward.
    a.flow('new', { ...request('9', 40002, null), protonum: 6 });
    expect(a.activity(SERVER, 69).flows).toBe(1);
  });
});

describe('probe', () => {
  it('an ERROR packet from a new port is an answer; none within the deadline is a failure', () => {
    expect(
      tftpProbeCheck(FWD, { answered: true, opcode: 5, errorCode: 1, message: 'File not found', fromPort: 50000 }),
    ).toMatchObject({
      status: 'ok',
      finding: { code: 'tftp.probe_ok' },
      evidence: [{ code: 'tftp.evidence_error_reply', params: { port: 50000, code: 1, message: 'File not found' } }],
    });
    expect(tftpProbeCheck(FWD, { answered: false, error: 'timeout' })).toMatchObject({
      status: 'failure',
      finding: { code: 'tftp.probe_no_answer', params: { seconds: 3 } },
      fix: { code: 'tftp.fix_start_server' },
    });
    expect(tftpProbeCheck(FWD, { answered: true, opcode: 9 }).finding.code).toBe('tftp.probe_not_tftp');
  });
});

describe('the passive-only drop rule the FTP part reads', () => {
  it('counts, under the comment the doctor looks it up by', () => {
    const script = compile(
      GatewayModel.parse({
        interfaces: { wan: 'eth0', lan: ['eth1'] },
        forwards: [{ id: 'ftp', name: 'FTP', publicPorts: '21', target: SERVER }],
        ftp: { enabled: true, passiveOnly: true },
      }),
    );
    expect(script).toContain(`ct state related ct helper "ftp" counter drop comment "${PASSIVE_ONLY_DROP_COMMENT}"`);
  });
});
