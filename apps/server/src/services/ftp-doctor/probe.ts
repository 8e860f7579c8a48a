/**
 * Probe check: the gateway talks to the FTP server over the LAN, as the
 * helper's clients would, and reads what it announces: its banner, whether
 * FEAT offers AUTH TLS, and the address of its PASV reply (after an
 * anonymous login; "PASV needs login" when that is refused). The PASV
 * address tells servers misconfigured for NAT apart:
 *   - its own LAN address: right, the helper rewrites it to the public one;
 *   - the public address: the helper's rewrite is pointless, and
 *     passive-only refuses nothing it should (warning);
 *   - any other address: clients are sent to a network they cannot reach (failure).
 */
import { containsPort, portRangesOrNone, type Runner } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { FtpForward } from './forwards.js';
import { FTP_PROBE_PROGRAM } from './probe-program.js';
import { runProbeProgram } from './run-probe.js';
import { check, say } from './texts.js';

type Saying = ReturnType<typeof say>;

export interface ProbeReply {
  command: string;
  code: number;
  lines: string[];
}

export interface ProbeTranscript {
  connected: boolean;
  /** The dialogue went on under TLS after AUTH TLS (FTPS forwards). */
  tls?: boolean;
  error?: string;
  replies: ProbeReply[];
}

export const PROBE_TIMEOUT_MS = 4000;

/** `tls`: speak TLS when the server offers AUTH TLS (an FTPS forward: its server may refuse plain logins). */
export async function runProbe(server: string, port: number, runner: Runner, tls = false): Promise<ProbeTranscript> {
  const args = [server, String(port), String(PROBE_TIMEOUT_MS), tls ? '1' : '0'];
  const r = await runProbeProgram(runner, FTP_PROBE_PROGRAM, args, PROBE_TIMEOUT_MS);
  const t = r.answer as ProbeTranscript | undefined;
  if (typeof t?.connected === 'boolean' && Array.isArray(t.replies)) return t;
  return { connected: false, error: r.failure, replies: [] };
}

/** Pure: the host and port of a `227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)` reply. */
export function parsePasv(line: string): { host: string; port: number } | null {
  const m = /(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3}),(\d{1,3})/.exec(line);
  if (!m) return null;
  const n = m.slice(1).map(Number);
  if (n.some((v) => v > 255)) return null;
  return { host: n.slice(0, 4).join('.'), port: (n[4] as number) * 256 + (n[5] as number) };
}

/** Pure: whether a FEAT reply offers AUTH TLS. */
export function offersAuthTls(feat: ProbeReply | undefined): boolean {
  return !!feat && feat.code === 211 && feat.lines.some((l) => /^\s*AUTH\b.*\bTLS\b/i.test(l));
}

export interface ProbeSummary {
  answered: boolean;
  banner: string | null;
  authTls: boolean;
  pasv: { host: string; port: number } | null;
  announces: 'own' | 'public' | 'foreign' | null;
}

/** Pure: what the transcript says, given the server's LAN address and the gateway's public addresses. */
export function summarizeProbe(t: ProbeTranscript, server: string, publicAddresses: readonly string[]): ProbeSummary {
  const banner = t.replies.find((r) => r.command === '');
  const pasvReply = t.replies.find((r) => r.command === 'PASV');
  const pasv = pasvReply?.code === 227 ? parsePasv(pasvReply.lines.at(-1) ?? '') : null;
  const announces = !pasv
    ? null
    : pasv.host === server
      ? 'own'
      : publicAddresses.includes(pasv.host)
        ? 'public'
        : 'foreign';
  return {
    answered: t.connected && banner !== undefined,
    banner: banner ? (banner.lines.at(-1) ?? '').slice(4).trim() : null,
    authTls: offersAuthTls(t.replies.find((r) => r.command === 'FEAT')),
    pasv,
    announces,
  };
}

/** Pure: the verdict from the transcript. */
export function probeCheck(fwd: FtpForward, t: ProbeTranscript, publicAddresses: readonly string[]): FtpDoctorCheck {
  const where = { server: fwd.server, port: fwd.controlPort };
  const s = summarizeProbe(t, fwd.server, publicAddresses);
  const evidence = t.error ? [say('evidence.probe_error', { message: t.error })] : [];
  if (!t.connected) {
    return check('probe', 'failure', say('probe.no_answer', where), evidence, say('fix.start_server', where));
  }
  const bannerReply = t.replies.find((r) => r.command === '');
  if (bannerReply?.code !== 220) {
    return check('probe', 'failure', say('probe.not_ftp', where), evidence, say('fix.start_server', where));
  }
  evidence.unshift(say('evidence.banner', { banner: s.banner ?? '' }));
  evidence.push(say(s.authTls ? 'evidence.auth_tls_offered' : 'evidence.auth_tls_not_offered'));
  if (t.tls) evidence.push(say('evidence.tls'));
  const login = t.replies.filter((r) => r.command.startsWith('USER') || r.command.startsWith('PASS')).at(-1);
  if (login?.code !== 230) {
    return check('probe', 'warning', say('probe.pasv_needs_login'), evidence, say('fix.allow_anonymous'));
  }
  if (!s.pasv) return check('probe', 'warning', say('probe.pasv_refused'), evidence, null);
  evidence.push(say('evidence.pasv', { host: s.pasv.host, port: s.pasv.port }));
  if (fwd.ftpsPassivePorts !== null)
    return ftpsVerdict(fwd.ftpsPassivePorts, s.pasv, s.announces, evidence, publicAddresses);
  if (s.announces === 'public') {
    return check(
      'probe',
      'warning',
      say('probe.public_address', { host: s.pasv.host }),
      evidence,
      say('fix.unset_pasv_address'),
    );
  }
  if (s.announces === 'foreign') {
    return check(
      'probe',
      'failure',
      say('probe.foreign_address', { host: s.pasv.host }),
      evidence,
      say('fix.own_address', { server: fwd.server }),
    );
  }
  return check('probe', 'ok', say('probe.ok', { host: s.pasv.host }), evidence);
}

/**
 * An FTPS forward: the helper cannot rewrite the 227 reply under TLS, so the
 * server itself must announce the public address, and a port of the range
 * the forward forwards.
 */
function ftpsVerdict(
  range: string,
  pasv: { host: string; port: number },
  announces: ProbeSummary['announces'],
  evidence: Saying[],
  publicAddresses: readonly string[],
): FtpDoctorCheck {
  const publicAddress = publicAddresses[0] ?? '-';
  if (announces !== 'public') {
    return check(
      'probe',
      'failure',
      say('probe.ftps_private', { host: pasv.host }),
      evidence,
      say('fix.ftps', { public: publicAddress }),
    );
  }
  if (!containsPort(portRangesOrNone(range), pasv.port)) {
    return check(
      'probe',
      'failure',
      say('probe.ftps_port_outside', { port: pasv.port, range }),
      evidence,
      say('fix.ftps_range', { range }),
    );
  }
  return check('probe', 'ok', say('probe.ftps_ok', { host: pasv.host, range }), evidence);
}
