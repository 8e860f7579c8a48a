import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import type { Api } from '../../../lib/types';

type Row = Api['ImportEquivalenceRow'];
type Fate = NonNullable<Row['beforeFate']>;

/** What a ruleset does with the connection, in the operator's language (the English line when unknown). */
function FateText({ fate, fallback }: { fate: Fate | null; fallback: string }) {
  const { t } = useTranslation();
  if (!fate || !['forwarded', 'gateway', 'dropped'].includes(fate.outcome)) return <>{fallback}</>;
  const state = (s: string) => t(s === 'accepted' ? 'importPage.fate.accepted' : 'importPage.fate.droppedState');
  const parts = [
    fate.outcome === 'forwarded'
      ? t('importPage.fate.forwarded', { to: fate.to ?? '' })
      : fate.outcome === 'gateway'
        ? t('importPage.fate.gateway', { to: fate.to ?? '' })
        : t('importPage.fate.dropped'),
  ];
  if (fate.masquerade) parts.push(t('importPage.fate.masqueraded'));
  if (fate.helper) parts.push(t('importPage.fate.helper', { helper: fate.helper }));
  if (fate.passiveData) parts.push(t('importPage.fate.passiveData', { state: state(fate.passiveData) }));
  if (fate.activeData) parts.push(t('importPage.fate.activeData', { state: state(fate.activeData) }));
  return <>{parts.join('; ')}</>;
}

const KIND_KEY = {
  forward: 'importPage.equivalence.kindForward',
  'gateway forward': 'importPage.equivalence.kindGateway',
  'helper port': 'importPage.equivalence.kindHelper',
} as const;

/** Old ruleset vs proposal, per port tried; a row that differs is flagged and says what differs. */
export function EquivalenceTable({ rows }: { rows: Row[] }) {
  const { t } = useTranslation();
  return (
    <section className="card import-equivalence" aria-labelledby="import-equivalence-title">
      <h2 id="import-equivalence-title">{t('importPage.equivalence.title')}</h2>
      <p className="muted">{t('importPage.equivalence.intro')}</p>
      <DataTable
        label={t('importPage.equivalence.title')}
        rows={rows}
        rowKey={(r) => `${r.protocol} ${r.port} ${r.kind}`}
        rowClassName={(r) => (r.differs ? 'import-differs' : undefined)}
        empty={t('importPage.equivalence.none')}
        columns={[
          {
            key: 'port',
            header: t('importPage.equivalence.port'),
            rowHeader: true,
            className: 'mono',
            cell: (r) => `${r.protocol} ${r.port}`,
          },
          {
            key: 'kind',
            header: t('importPage.equivalence.kind'),
            cell: (r) => (r.kind in KIND_KEY ? t(KIND_KEY[r.kind as keyof typeof KIND_KEY]) : r.kind),
          },
          {
            key: 'before',
            header: t('importPage.equivalence.before'),
            cell: (r) => <FateText fate={r.beforeFate} fallback={r.before} />,
          },
          {
            key: 'after',
            header: t('importPage.equivalence.after'),
            cell: (r) => <FateText fate={r.afterFate} fallback={r.after} />,
          },
          {
            key: 'result',
            header: t('importPage.equivalence.result'),
            cell: (r) =>
              r.differs ? (
                <span className="tag tag-warn">{t('importPage.equivalence.differs')}</span>
              ) : (
                <span className="tag tag-good">{t('importPage.equivalence.same')}</span>
              ),
          },
        ]}
      />
    </section>
  );
}
