import { useTranslation } from 'react-i18next';
import { ConfirmButton } from '../../../components/ConfirmButton';

/** What can be done to the selected forwards at once: one change of the desired state each. */
export function BulkBar({
  count,
  busy,
  onAction,
  onClear,
}: {
  count: number;
  busy: boolean;
  onAction: (action: 'enable' | 'disable' | 'delete') => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="toolbar forwards-bulk" role="toolbar" aria-label={t('forwards.bulk.label')}>
      <span className="forwards-bulk-count">{t('forwards.bulk.selected', { count })}</span>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => onAction('enable')}>
        {t('forwards.bulk.enable')}
      </button>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => onAction('disable')}>
        {t('forwards.bulk.disable')}
      </button>
      <ConfirmButton
        label={t('forwards.bulk.delete')}
        question={t('forwards.bulk.deleteConfirm', { count })}
        confirmLabel={t('forwards.bulk.delete')}
        busy={busy}
        onConfirm={() => onAction('delete')}
      />
      <button type="button" className="btn btn-small" onClick={onClear}>
        {t('forwards.bulk.clear')}
      </button>
    </div>
  );
}
