/**
 * `gatehouse ftp doctor`: the FTP doctor's checklist (GET /ftp/diagnosis)
 * as lines a person reads: per forward, one OK / WARN / FAIL line per
 * check with its evidence and fix indented below it.
 */
import type { Api } from '@gatehouse/server/schemas';

type Diagnosis = Api['FtpDiagnosis'];

const MARK = { ok: 'OK  ', warning: 'WARN', failure: 'FAIL' } as const;

export function formatFtpDiagnosis(d: Diagnosis): string {
  if (d.forwards.length === 0) return 'FTP doctor: no enabled forward exposes an FTP control port\n';
  const out: string[] = [];
  for (const f of d.forwards) {
    out.push(
      `${MARK[f.status]} forward ${f.forwardId} (${f.forwardName}): public port ${f.publicPort} -> ${f.server}:${f.controlPort}`,
    );
    for (const c of f.checks) {
      out.push(`  ${MARK[c.status]} ${c.check}: ${c.finding.text}`);
      for (const e of c.evidence) out.push(`         - ${e.text}`);
      if (c.fix) out.push(`         fix: ${c.fix.text}`);
    }
  }
  out.push(`FTP doctor: ${d.status === 'ok' ? 'all OK' : d.status === 'warning' ? 'warnings' : 'failures'} (${d.at})`);
  return `${out.join('\n')}\n`;
}
