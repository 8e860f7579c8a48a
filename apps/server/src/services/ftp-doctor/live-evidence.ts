/**
 * Live-evidence check: what conntrack shows of this server's FTP traffic.
 * The control connections that came through the forward carry helper=ftp,
 * the helper created expectations for them (how many, when last), and data
 * connections were linked to their control connection. Expectations last
 * seconds, so the counts come from the record kept from the event stream
 * (activity.ts); the live table fills in when the server does not follow
 * the events.
 */
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { ServerActivity } from './activity.js';
import type { FtpForward } from './forwards.js';
import { check, say } from './texts.js';

export interface LiveFacts {
  activity: ServerActivity;
  /** Control connections to server:port in the live table now. */
  live: { flows: number; withHelper: number };
  since: number;
}

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/** Pure: the verdict from what was seen. */
export function liveEvidenceCheck(fwd: FtpForward, f: LiveFacts): FtpDoctorCheck {
  const a = f.activity;
  const recorded = a.flows > 0;
  const flows = recorded ? a.flows : f.live.flows;
  const withHelper = recorded ? a.withHelper : f.live.withHelper;
  const where = { server: fwd.server, port: fwd.controlPort };
  if (flows === 0) return check('live-evidence', 'ok', say('live.no_traffic', { ...where, since: iso(f.since) }));
  const evidence = [
    say('evidence.control_flows', { flows, withHelper, last: iso(a.lastFlowAt) }),
    a.expectations > 0
      ? say('evidence.expectations', { count: a.expectations, last: iso(a.lastExpectationAt) })
      : say('evidence.no_expectations'),
    a.dataLinked > 0
      ? say('evidence.data_linked', { count: a.dataLinked, last: iso(a.lastDataAt) })
      : say('evidence.no_data_linked'),
    ...a.withoutHelper.slice(-3).map((s) => say('evidence.flow_without_helper', { client: s.client, at: iso(s.at) })),
  ];
  if (fwd.ftpsPassivePorts !== null) {
    // No helper is expected on an FTPS control connection.
    return check(
      'live-evidence',
      'ok',
      say('live.ftps', { ...where, flows, range: fwd.ftpsPassivePorts }),
      evidence.slice(0, 1),
    );
  }
  const lastHadHelper = recorded ? a.lastHadHelper : f.live.withHelper === f.live.flows;
  if (!lastHadHelper) {
    return check(
      'live-evidence',
      'failure',
      say('live.without_helper', { ...where, flows, withoutHelper: flows - withHelper }),
      evidence,
      say('fix.enable_helper'),
    );
  }
  if (recorded && a.expectations === 0) {
    return check('live-evidence', 'warning', say('live.no_expectations'), evidence);
  }
  return check('live-evidence', 'ok', say('live.ok', { ...where, flows, withHelper }), evidence);
}
