import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ErrorCallout } from '../../../components/ErrorCallout';
import { useCanEdit } from '../../../lib/session';
import type { Api } from '../../../lib/types';
import { useCancelTakeover } from '../api/cancel-takeover';

/** The tables the next apply retires (adopted earlier), with the way to the apply and a way to retire nothing. */
export function PendingTakeover({ pending }: { pending: Api['PendingRetirement'][] }) {
  const { t } = useTranslation();
  const cancel = useCancelTakeover();
  const canEdit = useCanEdit();
  if (pending.length === 0) return null;
  const tables = pending.map((p) => `${p.family} ${p.name}`).join(', ');
  return (
    <div className="callout callout-warn import-pending" role="status">
      <strong>{t('importPage.pending.title')}</strong>
      <p>{t('importPage.pending.text', { tables })}</p>
      <div className="form-actions">
        <Link className="btn btn-primary" to="/apply">
          {t('importPage.adopt.toApply')}
        </Link>
        {canEdit ? (
          <button type="button" className="btn" disabled={cancel.isPending} onClick={() => cancel.mutate()}>
            {t('importPage.pending.cancel')}
          </button>
        ) : null}
      </div>
      <ErrorCallout error={cancel.error} />
    </div>
  );
}
