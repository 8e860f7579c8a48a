import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../../components/DataTable';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { PageHeader } from '../../../components/PageHeader';
import { PairApplyFailure } from '../../../components/PairApplyFailure';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { usePairNodes } from '../../../lib/pair';
import { pairApplyFailure } from '../../../lib/pair-apply';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import type { Api } from '../../../lib/types';
import { useRevisions } from '../api/get-revisions';
import { type RollbackRequest, useRollback } from '../api/rollback';
import { NodesCell } from './NodesCell';
import { RestoreForm } from './RestoreForm';
import { RevisionCompare, RevisionDiff } from './RevisionPanels';
import { RollbackForm } from './RollbackForm';

type Panel = { id: number; mode: 'diff' | 'compare' | 'rollback' | 'restore' } | null;

/**
 * A revision the kernel refused or a rollback undid is restored (its model
 * back as the desired state, to fix and apply again), not "rolled back to".
 */
export const isRejected = (r: Api['RevisionSummary']) => r.status === 'rolled-back' || r.status === 'failed';

export function HistoryPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const revisions = useRevisions();
  const rollback = useRollback();
  const status = useStatus();
  const pair = usePairNodes();
  const [panel, setPanel] = useState<Panel>(null);
  /** The provisional revision our rollback made: the notice lasts while it waits for confirmation. */
  const [started, setStarted] = useState<{ revisionId: number; target: number } | null>(null);
  const pendingId = status.data?.pending?.revisionId ?? null;
  const notice = started && pendingId === started.revisionId ? started : null;
  const toggle = (id: number, mode: NonNullable<Panel>['mode']) =>
    setPanel(panel?.id === id && panel.mode === mode ? null : { id, mode });
  const rollBack = (request: RollbackRequest) =>
    rollback.mutate(request, {
      onSuccess: (res) => {
        setPanel(null);
        setStarted({ revisionId: res.revision.id, target: request.id });
      },
    });
  const rows = revisions.data?.pages.flatMap((p) => p.items) ?? [];
  // On a pair node, and for the revisions a pair once held.
  const showNodes = pair !== null || rows.some((r) => r.nodes !== null);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('history.title')} />
      <div aria-live="polite" className="notice-area">
        {notice ? <p className="callout callout-ok">{t('history.rollbackDone', { id: notice.target })}</p> : null}
      </div>
      {pairApplyFailure(rollback.error) ? (
        <PairApplyFailure
          error={rollback.error}
          busy={rollback.isPending}
          onThisNodeOnly={
            canEdit && rollback.variables ? () => rollBack({ ...rollback.variables, degraded: true }) : undefined
          }
        />
      ) : (
        <ErrorCallout error={rollback.error} />
      )}
      <DataTable
        label={t('history.tableLabel')}
        query={revisions}
        pages={revisions}
        rows={rows}
        rowKey={(r) => r.id}
        rowClassName={(r) => (r.active ? 'row-current' : undefined)}
        detail={(r) =>
          panel?.id !== r.id
            ? null
            : {
                id: `panel-${r.id}`,
                content:
                  panel.mode === 'diff' ? (
                    <RevisionDiff revision={r} />
                  ) : panel.mode === 'compare' ? (
                    <RevisionCompare revision={r} />
                  ) : panel.mode === 'restore' ? (
                    <RestoreForm revision={r} onCancel={() => setPanel(null)} />
                  ) : (
                    <RollbackForm
                      revision={r}
                      busy={rollback.isPending}
                      onCancel={() => setPanel(null)}
                      onSubmit={(body) => rollBack({ id: r.id, body })}
                    />
                  ),
              }
        }
        empty={t('history.empty')}
        columns={[
          {
            key: 'id',
            header: t('history.revision'),
            rowHeader: true,
            className: 'mono',
            cell: (r) => (
              <>
                #{r.id} {r.active ? <span className="tag tag-good">{t('history.current')}</span> : null}
              </>
            ),
          },
          {
            key: 'time',
            header: t('history.time'),
            cell: (r) => (
              <>
                <time dateTime={r.createdAt} title={formatDateTime(r.createdAt)}>
                  {formatDateTime(r.createdAt)}
                </time>
                <div className="muted small">{formatRelative(r.createdAt)}</div>
              </>
            ),
          },
          { key: 'author', header: t('history.author'), cell: (r) => r.author },
          {
            key: 'kind',
            header: t('history.kind'),
            cell: (r) => (
              <>
                {t(`history.kinds.${r.kind}`)}
                {r.restoredFrom !== null ? <span className="mono muted"> ← #{r.restoredFrom}</span> : null}
              </>
            ),
          },
          { key: 'status', header: t('history.status'), cell: (r) => <StatusTag status={r.status} /> },
          ...(showNodes
            ? [
                {
                  key: 'nodes',
                  header: t('pairNodes.column'),
                  cell: (r: Api['RevisionSummary']) => <NodesCell revision={r} self={pair?.self ?? null} />,
                },
              ]
            : []),
          { key: 'comment', header: t('history.comment'), cell: (r) => r.comment },
          {
            key: 'actions',
            header: t('common.actions'),
            className: 'actions',
            cell: (r) => (
              <>
                <button
                  type="button"
                  className="btn btn-small"
                  aria-expanded={panel?.id === r.id && panel.mode === 'diff'}
                  aria-controls={`panel-${r.id}`}
                  onClick={() => toggle(r.id, 'diff')}
                >
                  {panel?.id === r.id && panel.mode === 'diff' ? t('history.hideDiff') : t('history.showDiff')}
                </button>
                {!r.active ? (
                  <button
                    type="button"
                    className="btn btn-small"
                    aria-label={t('history.compareWith', { id: r.id })}
                    aria-expanded={panel?.id === r.id && panel.mode === 'compare'}
                    aria-controls={`panel-${r.id}`}
                    onClick={() => toggle(r.id, 'compare')}
                  >
                    {t('history.compare')}
                  </button>
                ) : null}
                {canEdit && !r.active && isRejected(r) ? (
                  <button
                    type="button"
                    className="btn btn-small btn-primary-outline"
                    aria-label={t('revisionRestore.buttonLabel', { id: r.id })}
                    aria-expanded={panel?.id === r.id && panel.mode === 'restore'}
                    aria-controls={`panel-${r.id}`}
                    onClick={() => toggle(r.id, 'restore')}
                  >
                    {t('revisionRestore.button')}
                  </button>
                ) : canEdit && !r.active && r.status !== 'applying' ? (
                  <button
                    type="button"
                    className="btn btn-small btn-primary-outline"
                    aria-label={t('history.rollbackTo', { id: r.id })}
                    aria-expanded={panel?.id === r.id && panel.mode === 'rollback'}
                    aria-controls={`panel-${r.id}`}
                    disabled={rollback.isPending || pendingId !== null}
                    title={pendingId !== null ? t('history.waitForPending') : undefined}
                    onClick={() => toggle(r.id, 'rollback')}
                  >
                    {t('history.rollback')}
                  </button>
                ) : null}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function StatusTag({ status }: { status: Api['RevisionSummary']['status'] }) {
  const { t } = useTranslation();
  const tone =
    status === 'confirmed'
      ? 'good'
      : status === 'provisional' || status === 'applying'
        ? 'warn'
        : status === 'failed' || status === 'rolled-back'
          ? 'bad'
          : 'neutral';
  return <span className={`tag tag-${tone}`}>{t(`history.statuses.${status}`)}</span>;
}
