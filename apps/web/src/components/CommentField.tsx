import { useTranslation } from 'react-i18next';

/** The revision comment input of apply and rollback; `required` marks it (and `invalid` says it is empty). */
export function CommentField({
  id,
  value,
  onChange,
  required,
  invalid = false,
}: {
  id: string;
  value: string;
  onChange: (comment: string) => void;
  required?: boolean;
  invalid?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <div className="field">
      <label htmlFor={id}>{t('history.comment')}</label>
      <input
        id={id}
        value={value}
        maxLength={256}
        aria-required={required ? 'true' : undefined}
        aria-invalid={required ? invalid : undefined}
        aria-describedby={invalid ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {invalid ? (
        <p id={`${id}-error`} className="field-error">
          {t('history.commentRequired')}
        </p>
      ) : null}
    </div>
  );
}
