import { useTranslation } from 'react-i18next';

/** How many fields to fix (or the form-level error), above a form-grid form. */
export function FormErrorSummary({
  errors,
  fromServer,
}: {
  errors: { form?: string | undefined } & Record<string, string | undefined>;
  fromServer: boolean;
}) {
  const { t } = useTranslation();
  const count = Object.values(errors).filter(Boolean).length;
  if (count === 0) return null;
  return (
    <div className="callout callout-error form-wide" role="alert">
      {errors.form ?? (fromServer ? t('errors.serverFields', { count }) : t('errors.fieldsToFix', { count }))}
    </div>
  );
}
