import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataTable } from '../../../components/DataTable';
import { PageHeader } from '../../../components/PageHeader';
import { formatDuration, formatTuple } from '../../../lib/format';
import type { Api } from '../../../lib/types';
import { useNow } from '../../../lib/use-now';
import { expectationReceivedAt, useExpectations } from '../api/get-expectations';

function controlFlowLink(e: Api['ExpectationRow']): string {
  const q = new URLSearchParams();
  q.set('address', e.master.src);
  if (e.master.sport) q.set('port', String(e.master.sport));
  if (e.helper) q.set('helper', e.helper);
  return `/connections?${q}`;
}

export function ExpectationsPage() {
  const { t } = useTranslation();
  const expectations = useExpectations();
  const now = useNow(1000);
  const secondsLeft = (e: Api['ExpectationRow']) =>
    e.timeout === null ? null : e.timeout - (now - (expectationReceivedAt.get(e) ?? now)) / 1000;
  const expired = (e: Api['ExpectationRow']) => (secondsLeft(e) ?? 1) <= 0;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('expectations.title')} />
      <DataTable
        label={t('expectations.tableLabel')}
        query={expectations}
        rows={expectations.data?.items ?? []}
        rowKey={(e) => e.id}
        rowClassName={(e) => (expired(e) ? 'row-disabled' : undefined)}
        empty={t('expectations.empty')}
        columns={[
          {
            key: 'expected',
            header: t('expectations.expected'),
            rowHeader: true,
            className: 'mono',
            cell: (e) => `${e.protocol} ${formatTuple(e.expected)}`,
          },
          {
            key: 'master',
            header: t('expectations.master'),
            className: 'mono',
            cell: (e) => (
              <Link to={controlFlowLink(e)} title={t('expectations.showControl')}>
                {formatTuple(e.master)}
              </Link>
            ),
          },
          {
            key: 'helper',
            header: t('expectations.helper'),
            className: 'mono',
            cell: (e) => (e.helper ? <span className="tag tag-info">{e.helper}</span> : '—'),
          },
          {
            key: 'left',
            header: t('expectations.timeLeft'),
            headerClassName: 'num',
            className: 'mono num',
            cell: (e) => {
              const left = secondsLeft(e);
              return left === null ? '—' : left <= 0 ? t('expectations.expired') : formatDuration(left);
            },
          },
        ]}
      />
    </section>
  );
}
