/**
 * One list setting of a helper card (ports, servers): the entries as chips
 * with a remove button, a box to add one, and the model's own message about
 * the value as it is typed, tied to the box (aria-describedby).
 */
export interface ListFieldProps<T extends string | number> {
  /** Prefix of the element ids: `<id>-help`, `<id>-error`, `<id>-new`. */
  id: string;
  legend: string;
  help: string;
  items: T[];
  /** Shown when the list is empty (e.g. "every forwarded server"). */
  emptyText?: string;
  newLabel: string;
  addLabel: string;
  removeLabel: (item: T) => string;
  placeholder: string;
  inputMode: 'numeric' | 'decimal';
  parse: (text: string) => T;
  /** The model's message about adding `text` to `items`, or null. */
  problem: (text: string, items: T[]) => string | null;
  /** The error of the last save attempt on this field. */
  error?: string | undefined;
  /** Values offered while typing (a datalist). */
  suggestions?: string[];
  draft: string;
  onDraft: (text: string) => void;
  onChange: (items: T[]) => void;
}

export function ListField<T extends string | number>(p: ListFieldProps<T>) {
  const asTyped = p.problem(p.draft, p.items);
  const shown = asTyped ?? p.error;
  const describedBy = `${shown ? `${p.id}-error ` : ''}${p.id}-help`;
  const add = () => {
    const text = p.draft.trim();
    if (!text || asTyped) return;
    p.onChange([...p.items, p.parse(text)]);
    p.onDraft('');
  };
  return (
    <>
      <legend>{p.legend}</legend>
      <p className="field-help" id={`${p.id}-help`}>
        {p.help}
      </p>
      {p.items.length === 0 && p.emptyText ? <p className="muted">{p.emptyText}</p> : null}
      <ul className="chips" aria-label={p.legend}>
        {p.items.map((item, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a duplicate entry is shown (and flagged) until removed
          <li key={`${item}-${i}`} className="chip mono">
            {typeof item === 'number' && Number.isNaN(item) ? '?' : item}
            <button
              type="button"
              className="chip-remove"
              aria-label={p.removeLabel(item)}
              onClick={() => p.onChange(p.items.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-add">
        <label htmlFor={`${p.id}-new`} className="visually-hidden">
          {p.newLabel}
        </label>
        <input
          id={`${p.id}-new`}
          className="mono"
          inputMode={p.inputMode}
          placeholder={p.placeholder}
          list={p.suggestions ? `${p.id}-suggestions` : undefined}
          value={p.draft}
          aria-invalid={shown ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => p.onDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        {p.suggestions ? (
          <datalist id={`${p.id}-suggestions`}>
            {p.suggestions.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        ) : null}
        <button type="button" className="btn btn-small" onClick={add}>
          {p.addLabel}
        </button>
      </div>
      {shown ? (
        <p className="field-error" id={`${p.id}-error`}>
          {shown}
        </p>
      ) : null}
    </>
  );
}
