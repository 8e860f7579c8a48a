/**
 * Heuristics from the live table: FTPS. With TLS on the control channel
 * (AUTH TLS) the helper sees only ciphertext: a control connection carries
 * helper=ftp, yet no expectation is ever created for it; the client, told
 * the server's private address (or only a port, by EPSV), connects to a high
 * port of the public address it used, and no forward takes that port (or,
 * believing the 227 reply, to the private address itself). A server whose
 * FEAT does not offer AUTH TLS (the probe asks) is never suspected. Both
 * together, from the same client, mean "FTPS suspected"; the fix is what the
 * helper cannot do (a forwarded passive range, the server announcing the
 * public address).
 */
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { ControlFlow, StrayConnection } from './activity.js';
import type { FtpForward } from './forwards.js';
import { check, say } from './texts.js';

/** A stray connection counts for a control connection this long after it was last seen. */
export const STRAY_AFTER_CONTROL_MS = 120_000;

export interface HeuristicFacts {
  controls: ControlFlow[];
  strays: readonly StrayConnection[];
  now: number;
  /** Whether the probe saw FEAT offer AUTH TLS (null: it could not tell). A server without TLS cannot be FTPS. */
  authTls: boolean | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Pure: the verdict from what was recorded. */
export function heuristicsCheck(fwd: FtpForward, f: HeuristicFacts): FtpDoctorCheck {
  // Known FTPS: nothing to suspect (the probe checks what its server announces).
  if (fwd.ftpsPassivePorts !== null) return check('heuristics', 'ok', say('heuristics.ok'));
  if (f.authTls === false)
    return check('heuristics', 'ok', say('heuristics.ok'), [say('evidence.auth_tls_not_offered')]);
  for (const c of [...f.controls].reverse()) {
    if (c.expectations > 0) continue;
    const strays = f.strays.filter(
      (s) =>
        s.client === c.client &&
        (s.address === c.publicAddress || s.address === c.server) &&
        s.at >= c.startedAt &&
        s.at <= c.lastAt + STRAY_AFTER_CONTROL_MS,
    );
    if (strays.length === 0) continue;
    const minutes = Math.floor(((c.gone ? c.lastAt : f.now) - c.startedAt) / 60_000);
    return check(
      'heuristics',
      'warning',
      say('heuristics.ftps_suspected', { server: fwd.server, port: fwd.controlPort }),
      [
        ...(f.authTls ? [say('evidence.auth_tls_offered')] : []),
        say('evidence.quiet_control_flow', { client: c.client, minutes }),
        ...strays
          .slice(-3)
          .map((s) =>
            say('evidence.stray_connection', { client: s.client, address: s.address, port: s.port, at: iso(s.at) }),
          ),
      ],
      say('fix.ftps', { public: c.publicAddress }),
    );
  }
  return check('heuristics', 'ok', say('heuristics.ok'));
}
