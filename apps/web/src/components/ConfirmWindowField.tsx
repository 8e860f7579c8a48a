import { useTranslation } from 'react-i18next';

/** How long the operator has to confirm an apply/rollback before it reverts. */
export const CONFIRM_WINDOWS = [30, 60, 120, 300, 600] as const;

/** The "Confirm within" select shared by apply and rollback. */
export function ConfirmWindowField({
  id,
  value,
  onChange,
  disabled,
}: {
  id: string;
  value: number;
  onChange: (seconds: number) => void;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('apply.confirmWithin')}</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(Number(e.target.value))}>
        {CONFIRM_WINDOWS.map((w) => (
          <option key={w} value={w}>
            {t('common.seconds', { count: w })}
          </option>
        ))}
      </select>
    </div>
  );
}
