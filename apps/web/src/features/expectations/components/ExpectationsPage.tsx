import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { DataTable } from '../../../components/DataTable';
import { NodeSelect, PeerPolledNote } from '../../../components/NodeSelect';
import { PageHeader } from '../../../components/PageHeader';
import { formatDuration, formatTuple } from '../../../lib/format';
import type { Api } from '../../../lib/types';
import { useNow } from '../../../lib/use-now';
import { expectationReceivedAt, useExpectations } from '../api/get-expectations';

/** The control connection on Connections: its address and port, which also keep its data flows in view. */
function controlFlowLink(e: Api['ExpectationRow'], node: string): string {
  const q = new URLSearchParams();
  if (node) q.set('node', node);
  q.set('address', e.master.src);
  if (e.master.sport) q.set('port', String(e.master.sport));
  return `/connections?${q}`;
}

export function ExpectationsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const node = params.get('node') ?? '';
  const expectations = useExpectations(node);
  const now = useNow(1000);
  // From a control flow's link on Connections: only that flow's expectations.
  const master = params.get('master');
  const all = expectations.data?.items ?? [];
  const rows = master ? all.filter((e) => e.masterId === master) : all;
  const secondsLeft = (e: Api['ExpectationRow']) =>
    e.timeout === null ? null : e.timeout - (now - (expectationReceivedAt.get(e) ?? now)) / 1000;
  const expired = (e: Api['ExpectationRow']) => (secondsLeft(e) ?? 1) <= 0;
  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('expectations.title')} />
      <NodeSelect
        id="exp-node"
        standalone
        value={node}
        onChange={(v) => {
          const next = new URLSearchParams(params);
          if (v) next.set('node', v);
          else next.delete('node');
          setParams(next, { replace: true });
        }}
      />
      <PeerPolledNote node={node} />
      {master ? (
        <p className="table-note" role="status">
          {t('expectations.ofFlow')}{' '}
          <Link to={node ? `/expectations?${new URLSearchParams({ node })}` : '/expectations'}>
            {t('expectations.showAll')}
          </Link>
        </p>
      ) : null}
      <DataTable
        label={t('expectations.tableLabel')}
        query={expectations}
        rows={rows}
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
              <Link to={controlFlowLink(e, node)} title={t('expectations.showControl')}>
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
