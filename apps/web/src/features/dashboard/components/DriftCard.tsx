import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { formatDateTime } from '../../../lib/format';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useRestoreDrift } from '../api/restore-drift';
import { DriftAdoption } from './DriftAdoption';

/**
 * Whether the live table is what the applied revision loaded; when it is not,
 * what changed by hand and (for admins) the two repairs: load the applied
 * revision again, or adopt the hand change into the model (DriftAdoption).
 */
export function DriftCard({ status }: { status: Api['Status'] }) {
  const { t } = useTranslation();
  const canEdit = useCanEdit();
  const restore = useRestoreDrift();
  const [adopting, setAdopting] = useState(false);
  const adoptionId = useId();
  const state = status.drift.state;
  const bad = state === 'drifted' || state === 'missing';
  const tone = bad ? 'bad' : state === 'in-sync' ? 'good' : 'neutral';
  return (
    <article className={`card card-${tone}`} aria-labelledby="dash-drift">
      <h2 id="dash-drift">{t('dashboard.drift')}</h2>
      <p className={`status-line status-${tone}`}>
        <span className="status-dot" aria-hidden="true" />
        {bad
          ? t('dashboard.driftDetected')
          : state === 'in-sync'
            ? t('dashboard.driftOk')
            : state === 'never-applied'
              ? t('dashboard.nothingApplied')
              : t('dashboard.driftUnknown')}
      </p>
      {bad ? (
        <p className="muted">
          {t(state === 'missing' ? 'dashboard.driftMissingHelp' : 'dashboard.driftRepairHelp', {
            id: status.appliedRevision ?? '',
          })}
          {state === 'drifted' ? ` ${t('driftAdopt.help')}` : null}
        </p>
      ) : null}
      {bad && (status.drift.added.length > 0 || status.drift.removed.length > 0) ? (
        <pre className="mini-diff mono">
          {status.drift.removed.map((l) => `- ${l}`).join('\n')}
          {status.drift.removed.length > 0 && status.drift.added.length > 0 ? '\n' : ''}
          {status.drift.added.map((l) => `+ ${l}`).join('\n')}
        </pre>
      ) : null}
      {bad && canEdit && status.appliedRevision !== null ? (
        <div className="drift-actions">
          <ConfirmButton
            label={t('dashboard.driftRestore', { id: status.appliedRevision })}
            question={t('dashboard.driftRestoreQuestion')}
            confirmLabel={t('dashboard.driftRestoreConfirm')}
            variant="primary"
            busy={restore.isPending}
            disabled={status.pending !== null}
            onConfirm={() => restore.mutate()}
          />
          {state === 'drifted' ? (
            <button
              type="button"
              className="btn btn-small"
              aria-expanded={adopting}
              aria-controls={adoptionId}
              disabled={status.pending !== null}
              onClick={() => setAdopting((a) => !a)}
            >
              {adopting ? t('driftAdopt.close') : t('driftAdopt.open')}
            </button>
          ) : null}
          <ErrorCallout error={restore.error} />
        </div>
      ) : null}
      {bad && canEdit && adopting && state === 'drifted' ? <DriftAdoption id={adoptionId} /> : null}
      {restore.isSuccess && !bad ? (
        <p className="callout callout-ok" role="status">
          {t('dashboard.driftRestored', { id: restore.data.revisionId ?? '' })}
        </p>
      ) : null}
      {status.drift.checkedAt ? (
        <p className="muted small">
          <time dateTime={status.drift.checkedAt}>{formatDateTime(status.drift.checkedAt)}</time>
        </p>
      ) : null}
    </article>
  );
}
