import { useTranslation } from 'react-i18next';
import i18n from '../../../lib/i18n';
import type { Api } from '../../../lib/types';

type Note = Api['ImportNote'];
const GROUPS = ['decision', 'carried', 'harmless'] as const;

/** A note in the operator's language by its code (the importer's English when the code is unknown). */
export function noteText(n: Note): string {
  const key = `importNote.${n.code}`;
  if (!n.code || !i18n.exists(key)) return n.message;
  const text = (i18n.t as unknown as (k: string, o?: object) => string)(key, n.params);
  return n.where ? `${n.where}: ${text}` : text;
}

/** The notes in three groups: needs a decision first, then what was carried over, then harmless defaults. */
export function NotesList({ notes }: { notes: Note[] }) {
  const { t } = useTranslation();
  return (
    <section className="card import-notes" aria-labelledby="import-notes-title">
      <h2 id="import-notes-title">{t('importPage.notes.title')}</h2>
      {GROUPS.map((group) => {
        const items = notes.filter((n) => n.group === group);
        const id = `import-notes-${group}`;
        return (
          <section key={group} aria-labelledby={id} className={`import-notes-group import-notes-${group}`}>
            <h3 id={id}>
              {t(`importPage.notes.${group}`)} ({items.length})
            </h3>
            {items.length === 0 ? (
              <p className="muted">{t('importPage.notes.none')}</p>
            ) : (
              <ul>
                {items.map((n) => (
                  <li key={`${n.code}:${n.where ?? ''}:${n.message}`}>{noteText(n)}</li>
                ))}
              </ul>
            )}
          </section>
        );
      })}
    </section>
  );
}
