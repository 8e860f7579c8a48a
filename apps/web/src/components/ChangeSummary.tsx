import { useTranslation } from 'react-i18next';
import type { Api } from '../lib/types';

/**
 * A change in plain words: the server's sentences (services/gateway/summary.ts)
 * in the operator's language, the server's English where a code is unknown.
 */
export function ChangeSummary({ sentences, label }: { sentences: Api['ChangeSentence'][]; label: string }) {
  const { t } = useTranslation();
  if (sentences.length === 0) return null;
  return (
    <ul className="change-summary" aria-label={label}>
      {sentences.map((s, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sentences are an ordered list without ids
        <li key={i} data-code={s.code}>
          {t(`changes.${s.code}`, { ...s.params, defaultValue: s.text })}
        </li>
      ))}
    </ul>
  );
}
