import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmButton } from './ConfirmButton';

/** A row's Edit button, any further buttons, then a confirmed Delete (the forwards tables). */
export function EditDeleteActions({
  prefix,
  name,
  onEdit,
  deleting,
  onDelete,
  children,
}: {
  /** Where its labels are: `${prefix}.editLabel`, `.deleteLabel`, `.deleteConfirm` (each given the row's name). */
  prefix: 'forwards' | 'gateway.forwards';
  name: string;
  onEdit: () => void;
  deleting: boolean;
  onDelete: () => void;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <button type="button" className="btn btn-small" aria-label={t(`${prefix}.editLabel`, { name })} onClick={onEdit}>
        {t('common.edit')}
      </button>
      {children}
      <ConfirmButton
        label={t('common.delete')}
        ariaLabel={t(`${prefix}.deleteLabel`, { name })}
        question={t(`${prefix}.deleteConfirm`, { name })}
        confirmLabel={t('common.delete')}
        busy={deleting}
        onConfirm={onDelete}
      />
    </>
  );
}
