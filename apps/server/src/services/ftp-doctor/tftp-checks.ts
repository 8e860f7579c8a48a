/**
 * The TFTP helper's checks, each a pure verdict from facts gathered by
 * doctor.ts: kernel (nf_conntrack_tftp, nf_nat_tftp, and whether a ct
 * helper of type "tftp" loads) and helper scope in the applied revision,
 * both the family's checks (kernel.ts, helper-scope.ts) with TFTP's codes;
 * live evidence (requests with helper=tftp, expectations, answers linked),
 * and the probe's answer. No passive-only, no heuristics: those are FTP's
 * alone.
 */
import type { GatewayModel } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import { helperKindCovers, helperKindScopeCheck, type ScopeFacts } from './helper-scope.js';
import { type HelperKernelFacts, helperKernelCheck } from './kernel.js';
import { check, say } from './texts.js';
import type { TftpServerActivity } from './tftp-activity.js';
import type { TftpForward } from './tftp-forwards.js';
import { TFTP_PROBE_TIMEOUT_MS, type TftpProbeResult } from './tftp-probe.js';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function tftpKernelCheck(f: HelperKernelFacts): FtpDoctorCheck {
  return helperKernelCheck('tftp', f);
}

/** Pure: whether a model's TFTP helper inspects server:port. */
export function tftpHelperCovers(model: GatewayModel, server: string, port: number): boolean {
  return helperKindCovers(model, 'tftp', server, port);
}

export function tftpScopeCheck(fwd: TftpForward, f: ScopeFacts): FtpDoctorCheck {
  return helperKindScopeCheck('tftp', fwd, f);
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
