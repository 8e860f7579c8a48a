import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PairApplyFailure } from '../../../components/PairApplyFailure';
import { errorText } from '../../../lib/errors';
import { useLiveEvent } from '../../../lib/events';
import { formatDuration } from '../../../lib/format';
import { pairApplyFailure } from '../../../lib/pair-apply';
import { useCanEdit } from '../../../lib/session';
import { useStatus } from '../../../lib/status';
import { useNow } from '../../../lib/use-now';
import { useConfirmApply } from '../api/confirm-apply';
import { useRollBackNow } from '../api/rollback-now';

type Outcome = { kind: 'confirmed' | 'rolled-back' | 'rolled-back-now'; revisionId: number } | null;

/** Event payloads: confirm { revision }, rollback { revision, kind, undone, restoredFrom }. */
interface RevisionEvent {
  revision?: number | { id?: number };
  kind?: string;
  undone?: number | null;
}

function revisionIdOf(data: unknown, fallback: number | null): number | null {
  const d = data as RevisionEvent | null;
  if (typeof d?.revision === 'number') return d.revision;
  if (typeof d?.revision?.id === 'number') return d.revision.id;
  return fallback;
}

/**
 * Shown on every page while an apply waits for confirmation: the countdown,
 * and for admins the button that keeps the change. When the server rolls back
 * by itself the banner says so until dismissed.
 */
export function ApplyBanner() {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const status = useStatus();
  const confirm = useConfirmApply();
  const rollBack = useRollBackNow();
  const now = useNow(1000);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const pending = status.data?.pending ?? null;
  const lastPending = useRef<number | null>(null);
  const confirmedByUs = useRef(false);

  // The deadline on our clock: secondsLeft as of the response, so a skewed clock does not matter.
  const deadline = pending ? status.dataUpdatedAt + pending.secondsLeft * 1000 : null;
  const secondsLeft = deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now) / 1000));

  useEffect(() => {
    if (pending) {
      lastPending.current = pending.revisionId;
      confirmedByUs.current = false;
      setOutcome(null);
    }
  }, [pending]);

  // Past the deadline, ask the server what happened rather than wait for the next poll.
  useEffect(() => {
    if (pending && secondsLeft === 0) void status.refetch();
  }, [pending, secondsLeft, status.refetch]);

  // The pending record vanished without our confirm and without an event: it was rolled back.
  useEffect(() => {
    if (!pending && lastPending.current !== null && !confirmedByUs.current && status.isSuccess) {
      const id = lastPending.current;
      lastPending.current = null;
      setOutcome((o) => o ?? { kind: 'rolled-back', revisionId: id });
    }
  }, [pending, status.isSuccess]);

  useLiveEvent('rollback', (data) => {
    const d = data as RevisionEvent | null;
    if (d?.kind !== 'auto-rollback') {
      // "Roll back now" from another tab or by another admin.
      if (typeof d?.undone === 'number' && d.undone === lastPending.current) {
        lastPending.current = null;
        setOutcome({ kind: 'rolled-back-now', revisionId: d.undone });
      }
      return;
    }
    // Name the revision that was not confirmed (undone), not the new one that restored the old state.
    const id = typeof d.undone === 'number' ? d.undone : (lastPending.current ?? revisionIdOf(d, null));
    if (id !== null) setOutcome({ kind: 'rolled-back', revisionId: id });
    lastPending.current = null;
  });
  useLiveEvent('confirm', (data) => {
    const id = revisionIdOf(data, lastPending.current);
    confirmedByUs.current = true;
    lastPending.current = null;
    if (id !== null) setOutcome({ kind: 'confirmed', revisionId: id });
  });

  if (pending) {
    const rollBackHere = (opts: { degraded: boolean } | undefined) => {
      confirmedByUs.current = true;
      rollBack.mutate(opts, {
        onSuccess: () => {
          lastPending.current = null;
          setOutcome({ kind: 'rolled-back-now', revisionId: pending.revisionId });
        },
        onError: () => {
          confirmedByUs.current = false;
        },
      });
    };
    const confirmHere = (opts: { degraded: boolean } | undefined) => {
      confirmedByUs.current = true;
      confirm.mutate(opts, {
        onSuccess: () => setOutcome({ kind: 'confirmed', revisionId: pending.revisionId }),
        onError: () => {
          confirmedByUs.current = false;
        },
      });
    };
    return (
      <section className="banner banner-warn" aria-labelledby="apply-banner-title">
        <div>
          <strong id="apply-banner-title">{t('apply.bannerTitle')}</strong>{' '}
          <span>{t('apply.banner', { id: pending.revisionId, time: formatDuration(secondsLeft) })}</span>
          <span className="countdown mono" aria-hidden="true">
            {formatDuration(secondsLeft)}
          </span>
          {confirm.isError ? (
            pairApplyFailure(confirm.error) ? (
              <PairApplyFailure
                action="confirm"
                error={confirm.error}
                busy={confirm.isPending}
                onThisNodeOnly={canEdit ? () => confirmHere({ degraded: true }) : undefined}
              />
            ) : (
              <p role="alert">{errorText(t, confirm.error)}</p>
            )
          ) : null}
          {rollBack.isError ? (
            pairApplyFailure(rollBack.error) ? (
              <PairApplyFailure
                action="rollback"
                error={rollBack.error}
                busy={rollBack.isPending}
                onThisNodeOnly={canEdit ? () => rollBackHere({ degraded: true }) : undefined}
              />
            ) : (
              <p role="alert">{errorText(t, rollBack.error)}</p>
            )
          ) : null}
        </div>
        {canEdit ? (
          <div className="banner-actions">
            <button
              type="button"
              className="btn btn-danger-outline"
              disabled={rollBack.isPending || confirm.isPending}
              onClick={() => rollBackHere(undefined)}
            >
              {rollBack.isPending ? t('apply.rollingBack') : t('apply.rollBackNow')}
            </button>
            <button
              type="button"
              className="btn btn-primary"
              disabled={confirm.isPending}
              onClick={() => confirmHere(undefined)}
            >
              {confirm.isPending ? t('apply.confirming') : t('apply.keep')}
            </button>
          </div>
        ) : null}
      </section>
    );
  }
  if (outcome) {
    const rolledBack = outcome.kind === 'rolled-back';
    const text =
      outcome.kind === 'rolled-back'
        ? t('apply.rolledBack', { id: outcome.revisionId })
        : outcome.kind === 'rolled-back-now'
          ? t('apply.rolledBackNow', { id: outcome.revisionId })
          : t('apply.confirmed', { id: outcome.revisionId });
    return (
      <div className={`banner ${rolledBack ? 'banner-error' : 'banner-ok'}`} role={rolledBack ? 'alert' : 'status'}>
        <span>
          {text}
          {outcome.kind !== 'confirmed' && canEdit && status.data?.desiredDiffersFromApplied ? (
            <>
              {' '}
              <Link to="/apply">{t('apply.reviewRejected')}</Link>
            </>
          ) : null}
        </span>
        <button type="button" className="btn btn-small" onClick={() => setOutcome(null)}>
          {t('common.dismiss')}
        </button>
      </div>
    );
  }
  return null;
}
