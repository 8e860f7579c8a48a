/**
 * The TFTP helper's checks, the same pattern as FTP's (kernel.ts,
 * helper-scope.ts, live-evidence.ts, probe.ts), each a pure verdict from
 * facts gathered by doctor.ts: kernel (nf_conntrack_tftp, nf_nat_tftp, and
 * whether a ct helper of type "tftp" loads), helper scope in the applied
 * revision, live evidence (requests with helper=tftp, expectations, answers
 * linked), and the probe's answer. No passive-only, no heuristics: those are
 * FTP's alone.
 */
import { type GatewayModel, helperKindPolicy, helperServers } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { ScopeFacts } from './helper-scope.js';
import { type HelperKernelFacts, how, present } from './kernel.js';
import { check, say } from './texts.js';
import type { TftpServerActivity } from './tftp-activity.js';
import type { TftpForward } from './tftp-forwards.js';
import { TFTP_PROBE_TIMEOUT_MS, type TftpProbeResult } from './tftp-probe.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function tftpKernelCheck(f: HelperKernelFacts): FtpDoctorCheck {
  const evidence = [
    say('evidence.module', {
      module: 'nf_conntrack_tftp',
      state: how(f.conntrack),
      source: f.conntrack?.evidence ?? '-',
    }),
    say('evidence.module', { module: 'nf_nat_tftp', state: how(f.nat), source: f.nat?.evidence ?? '-' }),
  ];
  if (f.helperLoads) {
    evidence.push(
      f.helperLoads.ok
        ? say('tftp.evidence_helper_loads')
        : say('tftp.evidence_helper_refused', { message: f.helperLoads.message || 'nft refused it' }),
    );
  }
  // The helper loading proves nf_conntrack_tftp whatever the files say (it may be autoloaded).
  const conntrackOk = f.helperLoads ? f.helperLoads.ok : present(f.conntrack);
  if (!conntrackOk) {
    return check('kernel', 'failure', say('tftp.kernel_conntrack_missing'), evidence, say('tftp.fix_kernel_conntrack'));
  }
  if (!present(f.nat))
    return check('kernel', 'failure', say('tftp.kernel_nat_missing'), evidence, say('tftp.fix_load_nat'));
  return check(
    'kernel',
    'ok',
    say('tftp.kernel_ok', {
      conntrack: how(f.conntrack ?? { module: '', state: 'loaded', evidence: '' }),
      nat: how(f.nat),
    }),
    evidence,
  );
}

/** Pure: whether a model's TFTP helper inspects server:port. */
export function tftpHelperCovers(model: GatewayModel, server: string, port: number): boolean {
  const p = helperKindPolicy(model, 'tftp');
  return p.enabled && p.ports.includes(port) && helperServers(model, 'tftp').includes(server);
}

export function tftpScopeCheck(fwd: TftpForward, f: ScopeFacts): FtpDoctorCheck {
  const pending = f.desiredDiffers ? [say('evidence.desired_differs')] : [];
  const fixOr = (fix: ReturnType<typeof say>) => (f.desiredDiffers && f.desiredCovers ? say('fix.apply') : fix);
  if (!f.applied) {
    return check(
      'helper-scope',
      'failure',
      say('scope.nothing_applied'),
      pending,
      fixOr(say('tftp.fix_enable_helper')),
    );
  }
  const { model, revision } = f.applied;
  const evidence = [say('evidence.revision', { revision, at: f.applied.at }), ...pending];
  const policy = helperKindPolicy(model, 'tftp');
  if (!policy.enabled) {
    return check(
      'helper-scope',
      'failure',
      say('tftp.scope_helper_off', { revision }),
      evidence,
      fixOr(say('tftp.fix_enable_helper')),
    );
  }
  const servers = helperServers(model, 'tftp');
  evidence.push(
    say('evidence.helper_rule', {
      servers: servers.join(', ') || '-',
      ports: [...policy.ports].sort((a, b) => a - b).join(', '),
    }),
  );
  if (!policy.ports.includes(fwd.port)) {
    return check(
      'helper-scope',
      'failure',
      say('tftp.scope_port_not_covered', { revision, port: fwd.port }),
      evidence,
      fixOr(say('tftp.fix_add_port', { port: fwd.port })),
    );
  }
  if (!servers.includes(fwd.server)) {
    return check(
      'helper-scope',
      'failure',
      say('tftp.scope_server_not_covered', { revision, server: fwd.server }),
      evidence,
      fixOr(say('fix.add_server', { server: fwd.server })),
    );
  }
  if (f.helperObjectLive === false) {
    return check(
      'helper-scope',
      'failure',
      say('tftp.scope_object_missing', { revision }),
      evidence,
      say('fix.restore'),
    );
  }
  return check('helper-scope', 'ok', say('tftp.scope_ok', { revision, server: fwd.server, port: fwd.port }), evidence);
}

export function tftpLiveCheck(fwd: TftpForward, a: TftpServerActivity, since: number): FtpDoctorCheck {
  const where = { server: fwd.server, port: fwd.port };
  if (a.flows === 0) return check('live-evidence', 'ok', say('tftp.live_no_traffic', { ...where, since: iso(since) }));
  const evidence = [
    say('tftp.evidence_requests', { flows: a.flows, withHelper: a.withHelper, last: iso(a.lastFlowAt) }),
    a.expectations > 0
      ? say('evidence.expectations', { count: a.expectations, last: iso(a.lastExpectationAt) })
      : say('evidence.no_expectations'),
    a.dataLinked > 0
      ? say('tftp.evidence_answers_linked', { count: a.dataLinked, last: iso(a.lastDataAt) })
      : say('tftp.evidence_no_answer_linked'),
    ...a.withoutHelper
      .slice(-3)
      .map((s) => say('tftp.evidence_request_without_helper', { client: s.client, at: iso(s.at) })),
  ];
  if (!a.lastHadHelper) {
    return check(
      'live-evidence',
      'failure',
      say('tftp.live_without_helper', { ...where, flows: a.flows, withoutHelper: a.flows - a.withHelper }),
      evidence,
      say('tftp.fix_enable_helper'),
    );
  }
  if (a.expectations === 0) return check('live-evidence', 'warning', say('tftp.live_no_expectations'), evidence);
  return check(
    'live-evidence',
    'ok',
    say('tftp.live_ok', { ...where, flows: a.flows, withHelper: a.withHelper }),
    evidence,
  );
}

export function tftpProbeCheck(fwd: TftpForward, p: TftpProbeResult): FtpDoctorCheck {
  const where = { server: fwd.server, port: fwd.port };
  if (!p.answered) {
    return check(
      'probe',
      'failure',
      say('tftp.probe_no_answer', { ...where, seconds: TFTP_PROBE_TIMEOUT_MS / 1000 }),
      p.error ? [say('evidence.probe_error', { message: p.error })] : [],
      say('tftp.fix_start_server', where),
    );
  }
  if (p.opcode !== 5 && p.opcode !== 3) {
    return check('probe', 'failure', say('tftp.probe_not_tftp', where), [], say('tftp.fix_start_server', where));
  }
  const evidence =
    p.opcode === 5
      ? [say('tftp.evidence_error_reply', { port: p.fromPort ?? 0, code: p.errorCode ?? 0, message: p.message ?? '' })]
      : [];
  return check('probe', 'ok', say('tftp.probe_ok'), evidence);
}
