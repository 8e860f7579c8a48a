import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../../components/DataTable';
import { ModuleStateText, moduleTone } from '../../../components/ModuleState';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { formatBytes, formatDateTime, formatNumber, formatRelative } from '../../../lib/format';
import { useStatus } from '../../../lib/status';
import type { Api } from '../../../lib/types';
import { useNow } from '../../../lib/use-now';
import { SERIES_WINDOW_MS, useConntrackSeries } from '../api/conntrack-series';
import { useAppliedRevision } from '../api/get-applied-revision';
import { useRecentChanges } from '../api/get-recent-changes';
import { Card } from './Card';
import { ConntrackChart } from './ConntrackChart';
import { DriftCard } from './DriftCard';
import { TftpCard } from './TftpCard';

export function DashboardPage() {
  const { t } = useTranslation();
  const status = useStatus();
  return (
    <section aria-labelledby="page-title" className="dashboard">
      <PageHeader title={t('dashboard.title')} />
      {status.isPending ? (
        <Loading />
      ) : status.isError ? (
        <ErrorState error={status.error} onRetry={() => void status.refetch()} />
      ) : (
        <DashboardBody status={status.data} />
      )}
    </section>
  );
}

function DashboardBody({ status }: { status: Api['Status'] }) {
  return (
    <div className="dash-grid">
      <AppliedCard status={status} />
      <DriftCard status={status} />
      <FtpCard status={status} />
      <TftpCard status={status} />
      <CountsCard status={status} />
      <InterfacesCard status={status} />
      <CountersCard status={status} />
      <RecentChangesCard />
    </div>
  );
}

function AppliedCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  useNow(30_000);
  const revision = useAppliedRevision(status.appliedRevision);
  return (
    <Card id="dash-applied" title={t('dashboard.applied')}>
      {status.appliedRevision === null ? (
        <p className="big-figure muted">{t('dashboard.nothingApplied')}</p>
      ) : (
        <>
          <p className="big-figure mono">#{status.appliedRevision}</p>
          {revision.data ? (
            <p>
              <time dateTime={revision.data.createdAt} title={formatDateTime(revision.data.createdAt)}>
                {t('dashboard.appliedBy', {
                  author: revision.data.author,
                  when: formatRelative(revision.data.createdAt),
                })}
              </time>
            </p>
          ) : null}
        </>
      )}
      {status.desiredDiffersFromApplied ? (
        <p className="callout callout-warn">
          {t('dashboard.pending')} <Link to="/apply">{t('dashboard.review')}</Link>
        </p>
      ) : null}
    </Card>
  );
}

function FtpCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  const ftp = status.ftp;
  const nat = ftp.natFtp?.state;
  return (
    <Card id="dash-ftp" title={t('dashboard.ftp')}>
      <dl className="kv">
        <dt>{t('ftp.helper')}</dt>
        <dd className={`status-${ftp.enabled ? 'good' : 'neutral'}`}>
          {ftp.enabled ? t('common.on') : t('common.off')}
          {ftp.enabled ? <span className="mono muted"> ({ftp.controlPorts.join(', ')})</span> : null}
        </dd>
        <dt>{t('dashboard.helper')}</dt>
        <dd className={`status-${ftp.helperObjectLive ? 'good' : 'neutral'}`}>
          {ftp.helperObjectLive ? t('dashboard.moduleState.loaded') : t('common.none')}
        </dd>
        <dt className="mono">nf_nat_ftp</dt>
        <dd className={`status-${moduleTone(nat)}`} title={ftp.natFtp?.evidence}>
          <ModuleStateText state={nat} />
        </dd>
        <dt>{t('ftp.passiveOnly')}</dt>
        <dd>{ftp.passiveOnly ? t('common.on') : t('common.off')}</dd>
      </dl>
      {ftp.enabled && moduleTone(nat) === 'bad' ? (
        <p className="callout callout-error">{t('dashboard.natFtpMissing')}</p>
      ) : null}
    </Card>
  );
}

function CountsCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  const { samples, ready } = useConntrackSeries(status.conntrack);
  const flows = samples.map((s) => s.flows);
  const exps = samples.map((s) => s.expectations);
  const minutes = Math.round(SERIES_WINDOW_MS / 60_000);
  const summary = (series: string, values: number[], now: number) =>
    t('dashboard.chartSummary', {
      series,
      now: formatNumber(now),
      min: formatNumber(values.length ? Math.min(...values) : now),
      max: formatNumber(values.length ? Math.max(...values) : now),
      minutes,
    });
  const label = `${summary(t('dashboard.flows'), flows, status.conntrack.flows)}. ${summary(
    t('dashboard.expectations'),
    exps,
    status.conntrack.expectations,
  )}.`;
  return (
    <Card id="dash-counts" title={t('dashboard.chartTitle')} wide>
      <div className="figures">
        <Figure swatch="flows" label={t('dashboard.flows')} value={status.conntrack.flows} />
        <Figure swatch="exps" label={t('dashboard.expectations')} value={status.conntrack.expectations} />
      </div>
      {!ready || samples.length < 2 ? (
        <p className="muted">{t('dashboard.chartWaiting')}</p>
      ) : (
        <ConntrackChart samples={samples} label={label} />
      )}
    </Card>
  );
}

function InterfacesCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  return (
    <Card id="dash-ifaces" title={t('dashboard.interfaces')}>
      {status.interfaces.length === 0 ? (
        <p className="empty">{t('dashboard.interfacesEmpty')}</p>
      ) : (
        <ul className="iface-list">
          {status.interfaces.map((i) => {
            const up = i.state.toUpperCase() === 'UP' || i.state.toUpperCase() === 'UNKNOWN';
            return (
              <li key={i.name}>
                <span className={`status-line status-${up ? 'good' : 'bad'}`}>
                  <span className="status-dot" aria-hidden="true" />
                  <strong className="mono">{i.name}</strong>
                </span>
                <span className="tag">{i.role === 'other' ? t('dashboard.roleOther') : i.role.toUpperCase()}</span>
                <span className="muted">{up ? t('dashboard.up') : t('dashboard.down')}</span>
                <span className="mono addr-list">{i.addresses.join(' ')}</span>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

function CountersCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  return (
    <Card id="dash-counters" title={t('dashboard.counters')} wide>
      <DataTable
        label={t('dashboard.counters')}
        dense={false}
        rows={status.counters}
        rowKey={(c) => c.forwardId}
        empty={t('dashboard.countersEmpty')}
        columns={[
          {
            key: 'forward',
            header: t('dashboard.forward'),
            rowHeader: true,
            className: 'mono',
            cell: (c) => c.forwardId,
          },
          {
            key: 'packets',
            header: t('dashboard.packets'),
            headerClassName: 'num',
            className: 'num mono',
            cell: (c) => formatNumber(c.packets),
          },
          {
            key: 'bytes',
            header: t('dashboard.bytes'),
            headerClassName: 'num',
            className: 'num mono',
            cell: (c) => formatBytes(c.bytes),
          },
        ]}
      />
    </Card>
  );
}

function RecentChangesCard() {
  const { t } = useTranslation();
  const recent = useRecentChanges();
  return (
    <Card id="dash-recent" title={t('dashboard.recent')} wide>
      {recent.isPending ? (
        <Loading />
      ) : recent.isError ? (
        <ErrorState error={recent.error} onRetry={() => void recent.refetch()} />
      ) : recent.data.items.length === 0 ? (
        <p className="empty">{t('dashboard.recentEmpty')}</p>
      ) : (
        <ol className="audit-list">
          {recent.data.items.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at} title={formatDateTime(e.at)} className="muted">
                {formatRelative(e.at)}
              </time>
              <strong>{e.actor}</strong>
              <span className="mono">{e.action}</span>
              <span className="mono muted">{e.target}</span>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

function Figure({ swatch, label, value }: { swatch: 'flows' | 'exps'; label: string; value: number }) {
  return (
    <div>
      <p className="figure-label">
        <span className={`swatch swatch-${swatch}`} aria-hidden="true" />
        {label}
      </p>
      <p className="big-figure mono">{formatNumber(value)}</p>
    </div>
  );
}
