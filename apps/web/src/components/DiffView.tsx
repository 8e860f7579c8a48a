import { useTranslation } from 'react-i18next';

type LineKind = 'add' | 'del' | 'hunk' | 'meta' | 'ctx';

function kindOf(line: string): LineKind {
  if (line.startsWith('+++') || line.startsWith('---')) return 'meta';
  if (line.startsWith('@@')) return 'hunk';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('Index:') || line.startsWith('====') || line.startsWith('\\')) return 'meta';
  return 'ctx';
}

/** The server's unified diff, coloured by line; the +/- stays in the text for screen readers and colour-blind eyes. */
export function DiffView({ diff, label }: { diff: string; label: string }) {
  const { t } = useTranslation();
  const lines = diff.replace(/\n$/, '').split('\n');
  if (!diff.trim()) return <p className="empty">{t('apply.diffEmpty')}</p>;
  return (
    <figure className="diff">
      <figcaption className="visually-hidden">{label}</figcaption>
      <p className="diff-legend" aria-hidden="true">
        <span className="diff-add">+ {t('apply.legendAdded')}</span>
        <span className="diff-del">- {t('apply.legendRemoved')}</span>
      </p>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <pre className="diff-body" tabIndex={0}>
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity beyond their position
          <span key={i} className={`diff-line diff-${kindOf(line)}`}>
            {line || ' '}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
