import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../lib/api';
import { errorText, problemText } from '../../../lib/errors';
import type { Api } from '../../../lib/types';
import { useImportForwards } from '../api/import-forwards';

/** Most bytes read from an imported file: 10,000 forwards of JSON fit well within it. */
const MAX_FILE = 8 * 1024 * 1024;

/** An exported file holds a list of forwards, or an object with `items` (the API's list) or `forwards` (a model). */
function forwardsOf(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object') {
    const o = json as { items?: unknown; forwards?: unknown };
    if (Array.isArray(o.items)) return o.items;
    if (Array.isArray(o.forwards)) return o.forwards;
  }
  return null;
}

/** Imports an exported JSON list: merge by id, or replace the whole list (chosen explicitly). */
export function ImportPanel({ onDone }: { onDone: (result: Api['ForwardImportResult'] | null) => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'merge' | 'replace'>('merge');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const run = useImportForwards();
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const onSubmit = async (ev: FormEvent) => {
    ev.preventDefault();
    setProblem(null);
    if (!file) {
      setProblem(t('forwards.import.noFile'));
      return;
    }
    if (file.size > MAX_FILE) {
      setProblem(t('forwards.import.tooLarge'));
      return;
    }
    let forwards: unknown[] | null = null;
    try {
      forwards = forwardsOf(JSON.parse(await file.text()));
    } catch {
      forwards = null;
    }
    if (!forwards) {
      setProblem(t('forwards.import.notJson'));
      return;
    }
    run.mutate({ mode, forwards }, { onSuccess: (r) => onDone(r) });
  };

  const onKeyDown = (ev: KeyboardEvent<HTMLFormElement>) => {
    if (ev.key === 'Escape' && !run.isPending) {
      ev.preventDefault();
      onDone(null);
    }
  };

  const problems = run.error instanceof ApiError ? run.error.problems : [];

  return (
    <form
      className="panel forwards-import"
      onSubmit={onSubmit}
      onKeyDown={onKeyDown}
      noValidate
      aria-labelledby="forward-import-title"
    >
      <h2 id="forward-import-title" ref={headingRef} tabIndex={-1}>
        {t('forwards.import.title')}
      </h2>
      {problem || run.error ? (
        <div className="callout callout-error" role="alert">
          <p>{problem ?? errorText(t, run.error)}</p>
          {problems.length > 0 ? (
            <ul>
              {problems.map((p) => (
                <li key={`${p.path}:${p.message}`}>
                  <code>{p.path}</code> {problemText(p)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <div className="field">
        <label htmlFor="forward-import-file">{t('forwards.import.file')}</label>
        <input
          id="forward-import-file"
          type="file"
          accept="application/json,.json"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <fieldset className="forwards-import-mode">
        <legend>{t('forwards.import.mode')}</legend>
        <label>
          <input type="radio" name="mode" checked={mode === 'merge'} onChange={() => setMode('merge')} />{' '}
          {t('forwards.import.merge')}
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'replace'} onChange={() => setMode('replace')} />{' '}
          {t('forwards.import.replace')}
        </label>
      </fieldset>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={run.isPending}>
          {run.isPending ? t('common.saving') : t('forwards.import.submit')}
        </button>
        <button type="button" className="btn" onClick={() => onDone(null)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
