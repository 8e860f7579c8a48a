/**
 * Field errors from zod (before sending) and from the server (after), mapped
 * to the form's field names. The server reports paths such as
 * `forwards.3.publicPorts` or `body.publicPorts`: the field is the last
 * segment that names one of the form's fields. Both are said in the
 * operator's language by their codes (errors.ts), never in the model's
 * English.
 */
import type { z } from 'zod';
import { ApiError } from './api';
import { errorText, issueText, problemText, serverErrorText } from './errors';
import i18n from './i18n';

export type FieldErrors<F extends string> = Partial<Record<F | 'form', string>>;

export function fieldOfPath<F extends string>(
  path: readonly (string | number | symbol)[] | string,
  fields: readonly F[],
): F | null {
  const parts = typeof path === 'string' ? path.split('.') : path.map(String);
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i] as string;
    if ((fields as readonly string[]).includes(p)) return p as F;
  }
  return null;
}

export function zodFieldErrors<F extends string>(error: z.ZodError, fields: readonly F[]): FieldErrors<F> {
  const out: FieldErrors<F> = {};
  for (const issue of error.issues) {
    const field = fieldOfPath(issue.path, fields) ?? 'form';
    out[field] ??= issueText(issue);
  }
  return out;
}

/**
 * Errors the server returned, placed on the fields they concern. Problems
 * without a recognisable field (and errors without problems) go to `form`,
 * unless `fallbackField` is given for errors about the object as a whole
 * (e.g. a lockout caused by a forward's ports).
 */
export function serverFieldErrors<F extends string>(
  error: unknown,
  fields: readonly F[],
  fallbackField?: F,
): FieldErrors<F> {
  const out: FieldErrors<F> = {};
  if (!(error instanceof ApiError)) {
    out.form = errorText(i18n.t, error);
    return out;
  }
  for (const p of error.problems) {
    const field = fieldOfPath(p.path, fields) ?? 'form';
    out[field] ??= problemText(p);
  }
  if (error.problems.length === 0) {
    const target = error.code === 'lockout' && fallbackField ? fallbackField : 'form';
    out[target] = serverErrorText(error.code, error.body?.params) ?? errorText(i18n.t, error);
  }
  return out;
}
