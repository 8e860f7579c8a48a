import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../../components/PageHeader';
import { QueryState } from '../../../components/QueryState';
import { formatDateTime } from '../../../lib/format';
import { useRole } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useFtpDiagnosis } from '../api/get-ftp-diagnosis';
import { Saying } from './Saying';

const TONE = { ok: 'tag-good', warning: 'tag-warn', failure: 'tag-bad' } as const;

function StatusTag({ status }: { status: Api['FtpDiagnosis']['status'] }) {
  const { t } = useTranslation();
  return <span className={`tag ${TONE[status]}`}>{t(`ftpDoctor.status.${status}`)}</span>;
}

function CheckItem({ check }: { check: Api['FtpDoctorCheck'] }) {
  const { t } = useTranslation();
  return (
    <li className={`doctor-check doctor-${check.status}`} data-check={check.check}>
      <div className="doctor-check-head">
        <StatusTag status={check.status} />
        <strong>{t(`ftpDoctor.check.${check.check}`)}</strong>
      </div>
      <p className="doctor-finding">
        <Saying saying={check.finding} />
      </p>
      {check.evidence.length > 0 ? (
        <ul
          className="doctor-evidence"
          aria-label={t('ftpDoctor.evidenceOf', { check: t(`ftpDoctor.check.${check.check}`) })}
        >
          {check.evidence.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: evidence has no id; its order is the server's
            <li key={i}>
              <Saying saying={e} />
            </li>
          ))}
        </ul>
      ) : null}
      {check.fix ? (
        <p className="doctor-fix">
          <strong>{t('ftpDoctor.fix')}:</strong> <Saying saying={check.fix} />
        </p>
      ) : null}
    </li>
  );
}

function ForwardDiagnosis({ forward }: { forward: Api['FtpForwardDiagnosis'] }) {
  const { t } = useTranslation();
  const id = `doctor-${forward.forwardId}-${forward.controlPort}`;
  return (
    <article className="card doctor-forward" aria-labelledby={id}>
      <h2 id={id}>
        <StatusTag status={forward.status} />{' '}
        {t('ftpDoctor.forward', {
          name: forward.forwardName,
          publicPort: forward.publicPort,
          server: forward.server,
          controlPort: forward.controlPort,
        })}
        {forward.ftpsPassivePorts !== null ? (
          <span className="tag tag-info">{t('ftpDoctor.ftps', { range: forward.ftpsPassivePorts })}</span>
        ) : null}
      </h2>
      <ul className="doctor-checks">
        {forward.checks.map((c) => (
          <CheckItem key={c.check} check={c} />
        ))}
      </ul>
    </article>
  );
}

/** A TFTP forward's card: the same checklist, for the helper family's second member. */
function TftpForwardDiagnosis({ forward }: { forward: Api['TftpForwardDiagnosis'] }) {
  const { t } = useTranslation();
  const id = `doctor-tftp-${forward.forwardId}-${forward.port}`;
  return (
    <article className="card doctor-forward" aria-labelledby={id}>
      <h2 id={id}>
        <StatusTag status={forward.status} />{' '}
        {t('ftpDoctor.tftpForward', {
          name: forward.forwardName,
          publicPort: forward.publicPort,
          server: forward.server,
          port: forward.port,
        })}{' '}
        <span className="tag tag-info">{t('ftpDoctor.tftpSection')}</span>
      </h2>
      <ul className="doctor-checks">
        {forward.checks.map((c) => (
          <CheckItem key={c.check} check={c} />
        ))}
      </ul>
    </article>
  );
}

export function FtpDoctorPage() {
  const { t } = useTranslation();
  const role = useRole();
  const diagnosis = useFtpDiagnosis(role === 'admin');
  if (role !== null && role !== 'admin') {
    return (
      <section aria-labelledby="page-title" className="ftp-doctor-page">
        <PageHeader title={t('ftpDoctor.title')} />
        <p className="lede">{t('ftpDoctor.intro')}</p>
        <p className="callout callout-info">{t('ftpDoctor.adminOnly')}</p>
      </section>
    );
  }
  return (
    <section aria-labelledby="page-title" className="ftp-doctor-page">
      <PageHeader title={t('ftpDoctor.title')}>
        <button type="button" className="btn" disabled={diagnosis.isFetching} onClick={() => void diagnosis.refetch()}>
          {diagnosis.isFetching ? t('ftpDoctor.refreshing') : t('ftpDoctor.refresh')}
        </button>
      </PageHeader>
      <p className="lede">{t('ftpDoctor.intro')}</p>
      <QueryState query={diagnosis}>
        {(d) => (
          <>
            <p className="table-note" role="status">
              <StatusTag status={d.status} />{' '}
              {d.appliedRevision === null
                ? t('ftpDoctor.checkedAtNothingApplied', { at: formatDateTime(d.at) })
                : t('ftpDoctor.checkedAt', { at: formatDateTime(d.at), revision: d.appliedRevision })}
            </p>
            {d.forwards.length === 0 ? <p className="empty">{t('ftpDoctor.empty')}</p> : null}
            {d.forwards.map((f) => (
              <ForwardDiagnosis key={`${f.forwardId}-${f.controlPort}`} forward={f} />
            ))}
            {d.tftp.forwards.map((f) => (
              <TftpForwardDiagnosis key={`tftp-${f.forwardId}-${f.port}`} forward={f} />
            ))}
          </>
        )}
      </QueryState>
    </section>
  );
}
