import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DiffView } from '../../../components/DiffView';
import { PageHeader } from '../../../components/PageHeader';
import { ErrorState, Loading } from '../../../components/QueryState';
import { ApiError } from '../../../lib/api';
import { errorText } from '../../../lib/errors';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import type { ErrorBody, LockoutProblem } from '../../../lib/types';
import { useApply } from '../api/apply';
import { usePreview } from '../api/get-preview';

const WINDOWS = [30, 60, 120, 300, 600] as const;

export function ApplyPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const preview = usePreview();
  const status = useStatus();
  const apply = useApply();
  const [seconds, setSeconds] = useState<number>(60);
  const [comment, setComment] = useState('');
  const ids = useId();
  const waiting = !!status.data?.pending;

  const errorBody =
    apply.error instanceof ApiError ? (apply.error.body as (ErrorBody & { lockout?: LockoutProblem[] }) | null) : null;
  const diagnostics = errorBody?.diagnostics ?? [];
  const lockout = apply.error instanceof ApiError && apply.error.code === 'lockout' ? (errorBody?.lockout ?? []) : null;
  const submit = (force: boolean) =>
    apply.mutate({ confirmWithinSeconds: seconds, force, ...(comment.trim() ? { comment: comment.trim() } : {}) });

  return (
    <section aria-labelledby="page-title">
      <PageHeader title={t('apply.title')} />
      <p className="lede">{t('apply.explain')}</p>
      {preview.isPending ? (
        <Loading />
      ) : preview.isError ? (
        <ErrorState error={preview.error} onRetry={() => void preview.refetch()} />
      ) : (
        <>
          {preview.data.lockout.length > 0 ? (
            <div className="callout callout-error" role="alert">
              <ul>
                {preview.data.lockout.map((l) => (
                  <li key={`${l.reason}-${l.object?.id ?? ''}`}>
                    {l.reason}
                    {l.object?.id ? <span className="mono"> ({l.object.id})</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preview.data.drift?.drifted ? <p className="callout callout-warn">{t('dashboard.driftDetected')}</p> : null}
          <h2>{t('apply.pending')}</h2>
          {!preview.data.changed ? (
            <p className="empty">{t('apply.noChanges')}</p>
          ) : (
            <DiffView diff={preview.data.diff} label={t('apply.diffLabel')} />
          )}
          {canEdit ? (
            <form
              className="apply-form"
              onSubmit={(e) => {
                e.preventDefault();
                submit(false);
              }}
            >
              <div className="field">
                <label htmlFor={`${ids}-window`}>{t('apply.confirmWithin')}</label>
                <select id={`${ids}-window`} value={seconds} onChange={(e) => setSeconds(Number(e.target.value))}>
                  {WINDOWS.map((w) => (
                    <option key={w} value={w}>
                      {t('common.seconds', { count: w })}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${ids}-comment`}>{t('history.comment')}</label>
                <input
                  id={`${ids}-comment`}
                  value={comment}
                  maxLength={256}
                  onChange={(e) => setComment(e.target.value)}
                />
              </div>
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={apply.isPending || waiting || !preview.data.changed}
                >
                  {apply.isPending ? t('apply.applying') : t('apply.applyButton')}
                </button>
              </div>
            </form>
          ) : (
            <p className="callout callout-info">{t('apply.adminOnly')}</p>
          )}
          {lockout ? (
            <div className="callout callout-error" role="alert">
              <p>{t('apply.lockout')}</p>
              <ul>
                {lockout.map((l) => (
                  <li key={`${l.reason}-${l.object?.id ?? ''}`}>{l.reason}</li>
                ))}
              </ul>
              <button type="button" className="btn btn-danger" disabled={apply.isPending} onClick={() => submit(true)}>
                {t('apply.force')}
              </button>
            </div>
          ) : apply.isError ? (
            <div className="callout callout-error" role="alert">
              <p>{t('apply.failed', { message: errorText(t, apply.error) })}</p>
              {diagnostics.length > 0 ? (
                <ul className="mono small">
                  {diagnostics.map((d, i) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: diagnostics are an ordered list without ids
                    <li key={i}>
                      {d.line !== undefined ? `${d.line}:${d.column ?? 0} ` : ''}
                      {d.message}
                      {d.object?.id ? ` (${d.object.kind} ${d.object.id})` : ''}
                      {d.source ? <pre>{d.source}</pre> : null}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          ) : null}
        </>
      )}
    </section>
  );
}
