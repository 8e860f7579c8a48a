import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { DataTable } from '../../../components/DataTable';
import { DiffView } from '../../../components/DiffView';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { errorText } from '../../../lib/errors';
import { formatDateTime, formatRelative } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useRevision } from '../api/get-revision';
import { useRevisions } from '../api/get-revisions';
import { useRollback } from '../api/rollback';

export function HistoryPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const revisions = useRevisions();
  const rollback = useRollback();
  const [open, setOpen] = useState<number | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('history.title')} />
      <div aria-live="polite" className="notice-area">
        {notice ? <p className="callout callout-ok">{notice}</p> : null}
      </div>
      {rollback.isError ? (
        <p className="callout callout-error" role="alert">
          {errorText(t, rollback.error)}
        </p>
      ) : null}
      <DataTable
        label={t('history.tableLabel')}
        query={revisions}
        pages={revisions}
        rows={revisions.data?.pages.flatMap((p) => p.items) ?? []}
        rowKey={(r) => r.id}
        rowClassName={(r) => (r.active ? 'row-current' : undefined)}
        detail={(r) => (open === r.id ? { id: `diff-${r.id}`, content: <RevisionDiff revision={r} /> } : null)}
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
                  aria-expanded={open === r.id}
                  aria-controls={`diff-${r.id}`}
                  onClick={() => setOpen(open === r.id ? null : r.id)}
                >
                  {open === r.id ? t('history.hideDiff') : t('history.showDiff')}
                </button>
                {canEdit && !r.active && r.status !== 'failed' ? (
                  <ConfirmButton
                    label={t('history.rollback')}
                    ariaLabel={t('history.rollbackTo', { id: r.id })}
                    confirmLabel={t('history.rollbackConfirm', { id: r.id })}
                    variant="primary"
                    busy={rollback.isPending}
                    onConfirm={() =>
                      rollback.mutate(r.id, {
                        onSuccess: () => setNotice(t('history.rollbackDone', { id: r.id })),
                      })
                    }
                  />
                ) : null}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}

function RevisionDiff({ revision }: { revision: Api['RevisionSummary'] }) {
  const { t } = useTranslation();
  const detail = useRevision(revision.id, true);
  if (detail.isPending) return <Loading />;
  if (detail.isError) return <ErrorState error={detail.error} onRetry={() => void detail.refetch()} />;
  return <DiffView diff={detail.data.diff} label={t('history.diffOf', { id: revision.id })} />;
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
