import { useEffect, useRef, useState } from 'react';
import { type FieldErrors, serverFieldErrors } from './form-errors';

/**
 * A form's field errors and where they came from (the schema before sending,
 * or the server), with the focus moved to the first field in error.
 * `scope` narrows the field lookup to one form (a CSS selector and a space).
 */
export function useFormErrors<F extends string>(fields: readonly F[], scope = '') {
  const [errors, setErrors] = useState<FieldErrors<F>>({});
  /** Whether the errors shown came from the server (the request was sent) or from the schema (it was not). */
  const [fromServer, setFromServer] = useState(false);

  const show = (e: FieldErrors<F>, server: boolean) => {
    setFromServer(server);
    setErrors(e);
    const first = fields.find((f) => e[f]);
    if (first) requestAnimationFrame(() => document.querySelector<HTMLElement>(`${scope}[name="${first}"]`)?.focus());
  };

  /** Forget a field's error once it is edited. */
  const clear = (key: string) => {
    if (errors[key as F]) setErrors((e) => ({ ...e, [key]: undefined }));
  };

  return { errors, fromServer, show, clear, reset: () => setErrors({}) };
}

/**
 * A form for a named entity with an id derived from its name until the id is
 * typed (the forward forms): its state, field errors, focused heading, and the
 * submit flow (schema errors shown, or the value sent; server errors shown).
 */
export function useNamedForm<S extends { id: string; name: string }, F extends string>({
  init,
  fields,
  scope = '',
  idTouched: touchedAtStart,
  idOf,
}: {
  init: () => S;
  fields: readonly F[];
  scope?: string;
  idTouched: boolean;
  idOf: (name: string) => string;
}) {
  const [state, setState] = useState<S>(init);
  const { errors, fromServer, show, clear, reset } = useFormErrors(fields, scope);
  const [idTouched, setIdTouched] = useState(touchedAtStart);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    headingRef.current?.focus();
  }, []);

  const set = <K extends keyof S>(key: K, value: S[K]) => {
    setState((s) => {
      const next = { ...s, [key]: value };
      if (key === 'name' && !idTouched) next.id = idOf(String(value));
      return next;
    });
    clear(String(key));
  };

  const submit = <V>(
    result: { ok: true; value: V } | { ok: false; errors: FieldErrors<F> },
    send: (value: V) => void,
  ) => {
    if (!result.ok) {
      show(result.errors, false);
      return;
    }
    reset();
    send(result.value);
  };

  /** An onError for the save: the server's field errors, unplaced ones on `fallback`. */
  const serverError = (fallback: F) => (err: unknown) => show(serverFieldErrors(err, fields, fallback), true);

  return { state, set, errors, fromServer, touchId: () => setIdTouched(true), headingRef, submit, serverError };
}
