import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChangeSummary } from '../../../components/ChangeSummary';
import { CommentField } from '../../../components/CommentField';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ConfirmWindowField } from '../../../components/ConfirmWindowField';
import { DiffView } from '../../../components/DiffView';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { PageHeader } from '../../../components/PageHeader';
import { PairApplyFailure } from '../../../components/PairApplyFailure';
import { ErrorState, Loading } from '../../../components/QueryState';
import { ApiError } from '../../../lib/api';
import { cleanDiff } from '../../../lib/clean-diff';
import { errorText, lockoutText } from '../../../lib/errors';
import { useUnreachablePeer } from '../../../lib/pair';
import { pairApplyFailure } from '../../../lib/pair-apply';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import { useApplyAndVerify, type VerifyPhase } from '../api/apply-and-verify';
import { useDiscardPending } from '../api/discard';
import { usePendingSummary } from '../api/get-pending';
import { usePreview } from '../api/get-preview';

export function ApplyPage() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const preview = usePreview();
  const status = useStatus();
  const verify = useApplyAndVerify();
  const summary = usePendingSummary();
  const discard = useDiscardPending();
  const rejected = summary.data?.lastRejected ?? null;
  const failure = verify.state.phase === 'failed' ? verify.state.error : null;
  const [seconds, setSeconds] = useState<number>(60);
  const [noConfirm, setNoConfirm] = useState(false);
  const [comment, setComment] = useState('');
  const ids = useId();
  const waiting = !!status.data?.pending;
  const unreachablePeer = useUnreachablePeer();

  const errorBody = failure instanceof ApiError ? failure.body : null;
  const diagnostics = errorBody?.diagnostics ?? [];
  const lockout = failure instanceof ApiError && failure.code === 'lockout' ? (errorBody?.lockout ?? []) : null;
  const [forced, setForced] = useState(false);
  const submit = (force: boolean, degraded = false) => {
    setForced(force);
    void verify.run(
      {
        confirmWithinSeconds: noConfirm ? undefined : seconds,
        force,
        comment: comment.trim() || undefined,
      },
      { degraded },
    );
  };

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
                    {lockoutText(l)}
                    {l.object?.id ? <span className="mono"> ({l.object.id})</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {preview.data.drift?.drifted ? <p className="callout callout-warn">{t('dashboard.driftDetected')}</p> : null}
          {unreachablePeer && canEdit ? (
            <p className="callout callout-warn" role="status">
              {t('pairApply.peerDownBefore', { peer: unreachablePeer })}
            </p>
          ) : null}
          {rejected && canEdit && !waiting && !verify.busy ? (
            <div className="callout callout-error apply-rejected" role="alert" aria-labelledby={`${ids}-rejected`}>
              <p id={`${ids}-rejected`}>
                {t(rejected.kind === 'auto-rollback' ? 'apply.rejectedAuto' : 'apply.rejectedByHand', {
                  id: rejected.revisionId,
                })}
              </p>
              <div className="form-actions">
                <button type="button" className="btn" disabled={discard.isPending} onClick={() => discard.mutate()}>
                  {t('apply.discard')}
                </button>
                <button type="button" className="btn btn-primary" onClick={() => submit(false)}>
                  {t('apply.retry')}
                </button>
              </div>
            </div>
          ) : null}
          <h2>{t('apply.pending')}</h2>
          {!preview.data.changed ? (
            <p className="empty">{t('apply.noChanges')}</p>
          ) : (
            <>
              {summary.data ? (
                <ChangeSummary sentences={summary.data.sentences} label={t('apply.summaryLabel')} />
              ) : null}
              <details className="raw-diff" open>
                <summary>{t('apply.rawDiff')}</summary>
                <DiffView diff={cleanDiff(preview.data.diff)} label={t('apply.diffLabel')} />
              </details>
            </>
          )}
          <ErrorCallout error={discard.error} />
          {canEdit ? (
            <form
              className="apply-form"
              onSubmit={(e) => {
                e.preventDefault();
                submit(false);
              }}
            >
              <ConfirmWindowField id={`${ids}-window`} value={seconds} disabled={noConfirm} onChange={setSeconds} />
              <div className="field">
                <label>
                  <input type="checkbox" checked={noConfirm} onChange={(e) => setNoConfirm(e.target.checked)} />{' '}
                  {t('apply.noConfirm')}
                </label>
                {noConfirm ? <p className="callout callout-warn">{t('apply.noConfirmWarning')}</p> : null}
              </div>
              <CommentField id={`${ids}-comment`} value={comment} onChange={setComment} />
              <div className="form-actions">
                <button
                  type="submit"
                  className="btn btn-primary"
                  disabled={verify.busy || waiting || !preview.data.changed}
                >
                  {verify.busy ? t('apply.applying') : noConfirm ? t('apply.applyNoConfirm') : t('apply.applyButton')}
                </button>
                {preview.data.changed && preview.data.appliedRevision !== null ? (
                  <ConfirmButton
                    label={t('apply.discard')}
                    confirmLabel={t('apply.discardConfirm')}
                    question={t('apply.discardQuestion', { id: preview.data.appliedRevision })}
                    busy={discard.isPending}
                    disabled={verify.busy}
                    onConfirm={() => discard.mutate()}
                  />
                ) : null}
              </div>
            </form>
          ) : (
            <p className="callout callout-info">{t('apply.adminOnly')}</p>
          )}
          <VerifyStatus state={verify.state} />
          {lockout ? (
            <div className="callout callout-error" role="alert">
              <p>{t('apply.lockout')}</p>
              <ul>
                {lockout.map((l) => (
                  <li key={`${l.reason}-${l.object?.id ?? ''}`}>{lockoutText(l)}</li>
                ))}
              </ul>
              <button type="button" className="btn btn-danger" disabled={verify.busy} onClick={() => submit(true)}>
                {t('apply.force')}
              </button>
            </div>
          ) : pairApplyFailure(failure) ? (
            <PairApplyFailure
              error={failure}
              busy={verify.busy}
              onThisNodeOnly={canEdit ? () => submit(forced, true) : undefined}
            />
          ) : failure ? (
            <div className="callout callout-error" role="alert">
              <p>{t('apply.failed', { message: errorText(t, failure) })}</p>
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

/** What the apply is doing: applying, checking the panel over a new connection, confirmed or rolled back. */
function VerifyStatus({ state }: { state: VerifyPhase }) {
  const { t } = useTranslation();
  switch (state.phase) {
    case 'applying':
      return (
        <p className="callout callout-info" role="status" data-phase="applying">
          {t('apply.phaseApplying')}
        </p>
      );
    case 'checking':
      return (
        <p className="callout callout-info" role="status" data-phase="checking">
          {t('apply.phaseChecking', { id: state.revisionId })}
          {state.attempts > 1 ? ` ${t('apply.phaseRetrying', { count: state.attempts })}` : ''}
        </p>
      );
    case 'confirmed':
      return (
        <p className="callout callout-ok" role="status" data-phase="confirmed">
          {t('apply.phaseConfirmed', { id: state.revisionId })}
        </p>
      );
    case 'applied':
      return (
        <p className="callout callout-ok" role="status" data-phase="applied">
          {t('apply.phaseApplied', { id: state.revisionId })}
        </p>
      );
    case 'rolled-back':
      return (
        <p className="callout callout-warn" role="status" data-phase="rolled-back">
          {t('apply.phaseRolledBack', { id: state.revisionId })}
        </p>
      );
    default:
      return null;
  }
}
