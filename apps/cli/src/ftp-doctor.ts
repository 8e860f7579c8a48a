/**
 * `gatehouse ftp doctor`: the doctor's checklist (GET /ftp/diagnosis) as
 * lines a person reads: per FTP forward, then per TFTP forward (the helper
 * family's second member, same pattern), one OK / WARN / FAIL line per check
 * with its evidence and fix indented below it.
 */
import type { Api } from '@gatehouse/server/schemas';

type Diagnosis = Api['FtpDiagnosis'];
type Check = Api['FtpDoctorCheck'];

const MARK = { ok: 'OK  ', warning: 'WARN', failure: 'FAIL' } as const;

function checkLines(checks: Check[], out: string[]): void {
  for (const c of checks) {
    out.push(`  ${MARK[c.status]} ${c.check}: ${c.finding.text}`);
    for (const e of c.evidence) out.push(`         - ${e.text}`);
    if (c.fix) out.push(`         fix: ${c.fix.text}`);
  }
}

export function formatFtpDiagnosis(d: Diagnosis): string {
  const tftp = d.tftp?.forwards ?? [];
  if (d.forwards.length === 0 && tftp.length === 0) {
    return 'FTP doctor: no enabled forward exposes an FTP control port\n';
  }
  const out: string[] = [];
  for (const f of d.forwards) {
    out.push(
      `${MARK[f.status]} forward ${f.forwardId} (${f.forwardName}): public port ${f.publicPort} -> ${f.server}:${f.controlPort}`,
    );
    checkLines(f.checks, out);
  }
  for (const f of tftp) {
    out.push(
      `${MARK[f.status]} TFTP forward ${f.forwardId} (${f.forwardName}): public UDP port ${f.publicPort} -> ${f.server}:${f.port}`,
    );
    checkLines(f.checks, out);
  }
  out.push(`FTP doctor: ${d.status === 'ok' ? 'all OK' : d.status === 'warning' ? 'warnings' : 'failures'} (${d.at})`);
  return `${out.join('\n')}\n`;
}
