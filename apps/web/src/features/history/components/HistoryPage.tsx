import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
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
  const rows = revisions.data?.pages.flatMap((p) => p.items) ?? [];
  const cols = 7;

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
      {revisions.isPending ? (
        <Loading />
      ) : revisions.isError ? (
        <ErrorState error={revisions.error} onRetry={() => void revisions.refetch()} />
      ) : rows.length === 0 ? (
        <p className="empty">{t('history.empty')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-dense">
            <caption className="visually-hidden">{t('history.tableLabel')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('history.revision')}</th>
                <th scope="col">{t('history.time')}</th>
                <th scope="col">{t('history.author')}</th>
                <th scope="col">{t('history.kind')}</th>
                <th scope="col">{t('history.status')}</th>
                <th scope="col">{t('history.comment')}</th>
                <th scope="col">{t('common.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Fragment key={r.id}>
                  <tr className={r.active ? 'row-current' : undefined}>
                    <th scope="row" className="mono">
                      #{r.id} {r.active ? <span className="tag tag-good">{t('history.current')}</span> : null}
                    </th>
                    <td>
                      <time dateTime={r.createdAt} title={formatDateTime(r.createdAt)}>
                        {formatDateTime(r.createdAt)}
                      </time>
                      <div className="muted small">{formatRelative(r.createdAt)}</div>
                    </td>
                    <td>{r.author}</td>
                    <td>
                      {t(`history.kinds.${r.kind}`)}
                      {r.restoredFrom !== null ? <span className="mono muted"> ← #{r.restoredFrom}</span> : null}
                    </td>
                    <td>
                      <StatusTag status={r.status} />
                    </td>
                    <td>{r.comment}</td>
                    <td className="actions">
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
                    </td>
                  </tr>
                  {open === r.id ? (
                    <tr id={`diff-${r.id}`}>
                      <td colSpan={cols}>
                        <RevisionDiff revision={r} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
          {revisions.hasNextPage ? (
            <button
              type="button"
              className="btn"
              disabled={revisions.isFetchingNextPage}
              onClick={() => void revisions.fetchNextPage()}
            >
              {revisions.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
            </button>
          ) : null}
        </div>
      )}
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
