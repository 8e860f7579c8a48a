import { useTranslation } from 'react-i18next';
import { pairApplyFailure, type RefusalPhase } from '../lib/pair-apply';

/** What the refusal left behind, by where it happened. */
function outcome(phase: RefusalPhase | null, rolledBack: boolean) {
  if (phase === 'apply') return rolledBack ? 'rolledBackHere' : 'notRolledBack';
  if (phase === 'confirm') return 'stillProvisional';
  if (phase === 'rollback') return 'notUndone';
  return 'nothingChanged';
}

/**
 * An apply of a pair revision that did not go to both nodes: the peer is
 * unreachable (with "Apply on this node only" when the caller can re-send
 * with `?degraded=true`), or a node refused it (which, at which phase, why,
 * and that nothing changed). Renders nothing for any other error, so a
 * caller shows its usual error line when `pairApplyFailure(error)` (lib/pair-apply.ts) is null.
 */
export function PairApplyFailure({
  error,
  onThisNodeOnly,
  busy,
  action = 'apply',
}: {
  error: unknown;
  /** What was refused: an apply (or rollback to a revision), a confirm, or a "roll back now". */
  action?: 'apply' | 'confirm' | 'rollback';
  /** Re-sends the same request with ?degraded=true; without it the button is not offered. */
  onThisNodeOnly?: (() => void) | undefined;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  const f = pairApplyFailure(error);
  if (!f) return null;
  if (f.kind === 'degraded') {
    const peer = f.peer ?? t('pairApply.thePeer');
    return (
      <div className="callout callout-warn pair-apply-failure" role="alert" data-pair="degraded">
        <p>
          <strong>{t(`pairApply.degradedTitle.${action}`, { peer })}</strong>
        </p>
        <p>{t('pairApply.degradedExplain', { peer })}</p>
        {f.detail ? <p className="mono small">{f.detail}</p> : null}
        {onThisNodeOnly ? (
          <div className="form-actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={onThisNodeOnly}>
              {t(`pairApply.thisNodeOnly.${action}`)}
            </button>
          </div>
        ) : null}
      </div>
    );
  }
  const node = f.node ?? t('pairApply.aNode');
  return (
    <div className="callout callout-error pair-apply-failure" role="alert" data-pair="refused">
      <p>
        <strong>{t(`pairApply.refusedAt.${f.phase ?? 'check'}`, { node })}</strong>
      </p>
      {f.reason ? <p className="mono small">{f.reason}</p> : null}
      <p>{t(`pairApply.outcome.${outcome(f.phase, f.rolledBack)}`)}</p>
    </div>
  );
}
