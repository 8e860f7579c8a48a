import { useTranslation } from 'react-i18next';
import { pairApplyFailure } from '../lib/pair-apply';

/**
 * An apply of a pair revision that did not go to both nodes: the peer is
 * unreachable (with "Apply on this node only" when the caller can re-send
 * with `?degraded=true`), or a node refused it (which, at which phase, why,
 * and that nothing changed). Renders nothing for any other error, so a
 * caller shows its usual error line when `isPairApplyFailure` is false.
 */
export function PairApplyFailure({
  error,
  onThisNodeOnly,
  busy,
}: {
  error: unknown;
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
          <strong>{t('pairApply.degradedTitle', { peer })}</strong>
        </p>
        <p>{t('pairApply.degradedExplain', { peer })}</p>
        {f.detail ? <p className="mono small">{f.detail}</p> : null}
        {onThisNodeOnly ? (
          <div className="form-actions">
            <button type="button" className="btn btn-danger" disabled={busy} onClick={onThisNodeOnly}>
              {t('pairApply.thisNodeOnly')}
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
        <strong>
          {f.phase === 'apply' ? t('pairApply.refusedAtApply', { node }) : t('pairApply.refusedAtCheck', { node })}
        </strong>
      </p>
      {f.reason ? <p className="mono small">{f.reason}</p> : null}
      <p>
        {f.phase !== 'apply'
          ? t('pairApply.nothingChanged')
          : f.rolledBack
            ? t('pairApply.rolledBackHere')
            : t('pairApply.notRolledBack')}
      </p>
    </div>
  );
}
