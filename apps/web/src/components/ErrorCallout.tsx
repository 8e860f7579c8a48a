import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';

/**
 * The page-level error line: `error` (an API/mutation error, turned into text)
 * or a ready `message`; renders nothing when neither is set.
 */
export function ErrorCallout({ error, message }: { error?: unknown; message?: string | null }) {
  const { t } = useTranslation();
  const text = message || (error ? errorText(t, error) : null);
  if (!text) return null;
  return (
    <p className="callout callout-error" role="alert">
      {text}
    </p>
  );
}
