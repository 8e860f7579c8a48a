/**
 * GET /ftp/diagnosis: the FTP doctor's checklist for each enabled forward
 * that exposes an FTP control port, and (`tftp`) the same pattern for each
 * enabled UDP forward exposing a TFTP helper port (services/ftp-doctor/).
 * Every finding,
 * piece of evidence and fix is a code with params, for clients that
 * translate (the web UI, in English and Japanese), and English text for
 * scripts (`gatehouse ftp doctor`).
 */
import { z } from 'zod';

export const FTP_DOCTOR_CHECKS = [
  'kernel',
  'helper-scope',
  'live-evidence',
  'passive-only',
  'probe',
  'heuristics',
] as const;
export const FtpDoctorCheckName = z.enum(FTP_DOCTOR_CHECKS);

export const FtpDoctorStatus = z.enum(['ok', 'warning', 'failure']).describe('failure > warning > ok');

/** Every code the doctor says: `<check>.<finding>`, `evidence.<what>`, `fix.<what>`. */
export const FTP_DOCTOR_CODES = [
  'kernel.ok',
  'kernel.conntrack_missing',
  'kernel.nat_missing',
  'scope.ok',
  'scope.nothing_applied',
  'scope.helper_off',
  'scope.port_not_covered',
  'scope.server_not_covered',
  'scope.object_missing',
  'scope.ftps',
  'live.ok',
  'live.no_traffic',
  'live.without_helper',
  'live.no_expectations',
  'live.ftps',
  'passive.off',
  'passive.on',
  'passive.blocks_nothing',
  'probe.ok',
  'probe.no_answer',
  'probe.not_ftp',
  'probe.public_address',
  'probe.foreign_address',
  'probe.pasv_needs_login',
  'probe.pasv_refused',
  'probe.ftps_ok',
  'probe.ftps_private',
  'probe.ftps_port_outside',
  'heuristics.ok',
  'heuristics.ftps_suspected',
  'evidence.module',
  'evidence.helper_loads',
  'evidence.helper_refused',
  'evidence.revision',
  'evidence.helper_rule',
  'evidence.desired_differs',
  'evidence.control_flows',
  'evidence.flow_without_helper',
  'evidence.expectations',
  'evidence.no_expectations',
  'evidence.data_linked',
  'evidence.no_data_linked',
  'evidence.drop_counter',
  'evidence.counter_unavailable',
  'evidence.active_attempt',
  'evidence.banner',
  'evidence.auth_tls_offered',
  'evidence.auth_tls_not_offered',
  'evidence.pasv',
  'evidence.tls',
  'evidence.probe_error',
  'evidence.stray_connection',
  'evidence.quiet_control_flow',
  'fix.load_nat_ftp',
  'fix.kernel_conntrack_ftp',
  'fix.apply',
  'fix.enable_helper',
  'fix.add_control_port',
  'fix.add_server',
  'fix.restore',
  'fix.start_server',
  'fix.unset_pasv_address',
  'fix.own_address',
  'fix.allow_anonymous',
  'fix.ftps',
  'fix.ftps_range',
  // TFTP, the helper family's second member: the same checks, its own sentences.
  'tftp.kernel_ok',
  'tftp.kernel_conntrack_missing',
  'tftp.kernel_nat_missing',
  'tftp.scope_ok',
  'tftp.scope_helper_off',
  'tftp.scope_port_not_covered',
  'tftp.scope_server_not_covered',
  'tftp.scope_object_missing',
  'tftp.live_ok',
  'tftp.live_no_traffic',
  'tftp.live_without_helper',
  'tftp.live_no_expectations',
  'tftp.probe_ok',
  'tftp.probe_no_answer',
  'tftp.probe_not_tftp',
  'tftp.evidence_helper_loads',
  'tftp.evidence_helper_refused',
  'tftp.evidence_requests',
  'tftp.evidence_request_without_helper',
  'tftp.evidence_error_reply',
  'tftp.evidence_answers_linked',
  'tftp.evidence_no_answer_linked',
  'tftp.fix_load_nat',
  'tftp.fix_kernel_conntrack',
  'tftp.fix_enable_helper',
  'tftp.fix_add_port',
  'tftp.fix_start_server',
] as const;
export const FtpDoctorCode = z.enum(FTP_DOCTOR_CODES);
export type FtpDoctorCode = z.output<typeof FtpDoctorCode>;

export const FtpDoctorParams = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .describe('the values the English text quotes, by name (times are ISO 8601)');

export const FtpDoctorSaying = z.object({
  code: FtpDoctorCode,
  params: FtpDoctorParams,
  text: z.string().describe('English, for scripts and logs'),
});

export const FtpDoctorCheck = z.object({
  check: FtpDoctorCheckName,
  status: FtpDoctorStatus,
  finding: FtpDoctorSaying,
  evidence: z.array(FtpDoctorSaying),
  fix: FtpDoctorSaying.nullable().describe('what to do, when the status is not ok'),
});

export const FtpForwardDiagnosis = z.object({
  forwardId: z.string(),
  forwardName: z.string(),
  server: z.string().describe('the forward target (the FTP server on the LAN)'),
  controlPort: z.number().int().describe('the FTP control port on the server'),
  publicPort: z.number().int().describe('the public port that reaches it'),
  ftpsPassivePorts: z
    .string()
    .nullable()
    .describe('the passive range an FTPS forward forwards (null: plain FTP, the helper does the work)'),
  status: FtpDoctorStatus.describe('the worst of its checks'),
  checks: z.array(FtpDoctorCheck),
});

export const TFTP_DOCTOR_CHECKS = ['kernel', 'helper-scope', 'live-evidence', 'probe'] as const;

export const TftpForwardDiagnosis = z.object({
  forwardId: z.string(),
  forwardName: z.string(),
  server: z.string().describe('the forward target (the TFTP server on the LAN)'),
  port: z.number().int().describe('the TFTP port on the server (69, or a helper port)'),
  publicPort: z.number().int().describe('the public port that reaches it'),
  status: FtpDoctorStatus.describe('the worst of its checks'),
  checks: z.array(FtpDoctorCheck).describe(`the checks ${TFTP_DOCTOR_CHECKS.join(', ')}`),
});

export const TftpDiagnosis = z.object({
  status: FtpDoctorStatus.describe('the worst of every TFTP forward (ok when none)'),
  forwards: z.array(TftpForwardDiagnosis),
});

export const FtpDiagnosis = z.object({
  at: z.string().describe('when the diagnosis was made'),
  appliedRevision: z.number().int().nullable(),
  status: FtpDoctorStatus.describe('the worst of every forward, FTP and TFTP (ok when no forward exposes FTP or TFTP)'),
  forwards: z.array(FtpForwardDiagnosis),
  tftp: TftpDiagnosis.describe('the same pattern for the TFTP helper: each enabled UDP forward exposing a TFTP port'),
});

export type FtpDoctorStatusValue = z.output<typeof FtpDoctorStatus>;
export type FtpDoctorSaying = z.output<typeof FtpDoctorSaying>;
export type FtpDoctorCheck = z.output<typeof FtpDoctorCheck>;
export type FtpForwardDiagnosis = z.output<typeof FtpForwardDiagnosis>;
export type FtpDiagnosis = z.output<typeof FtpDiagnosis>;
export type TftpForwardDiagnosis = z.output<typeof TftpForwardDiagnosis>;
export type TftpDiagnosis = z.output<typeof TftpDiagnosis>;
