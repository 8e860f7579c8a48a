import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ChangeSummary } from '../../../components/ChangeSummary';
import { ConfirmButton } from '../../../components/ConfirmButton';
import { ErrorCallout } from '../../../components/ErrorCallout';
import type { Api } from '../../../lib/types';
import { useRestoreRevision } from '../api/restore-revision';
import { RevisionCompare } from './RevisionPanels';

/**
 * "Restore" for a revision nft rejected or a rollback undid: what it holds
 * against the live revision, then (confirmed) its model becomes the desired
 * state again, to be fixed and applied from the Apply page. Nothing is loaded.
 */
export function RestoreForm({ revision, onCancel }: { revision: Api['RevisionSummary']; onCancel: () => void }) {
  const { t } = useTranslation();
  const restore = useRestoreRevision();
  const title = t('revisionRestore.title', { id: revision.id });
  return (
    <section className="rollback-form" aria-label={title}>
      <h3 className="panel-title">{title}</h3>
      <p>{t(revision.status === 'failed' ? 'revisionRestore.explainFailed' : 'revisionRestore.explainRolledBack')}</p>
      <RevisionCompare revision={revision} />
      {restore.isSuccess ? (
        <div className="callout callout-ok" role="status">
          <p>{t('revisionRestore.done', { id: revision.id })}</p>
          <ChangeSummary sentences={restore.data.sentences} label={t('revisionRestore.summaryLabel')} />
          <Link to="/apply">{t('revisionRestore.toApply')}</Link>
        </div>
      ) : (
        <div className="form-actions">
          <ConfirmButton
            label={t('revisionRestore.confirm')}
            question={t('revisionRestore.question')}
            confirmLabel={t('revisionRestore.yes')}
            variant="primary"
            busy={restore.isPending}
            onConfirm={() => restore.mutate(revision.id)}
          />
          <button type="button" className="btn" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      )}
      <ErrorCallout error={restore.error} />
    </section>
  );
}
