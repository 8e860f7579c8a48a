/**
 * The one translator for what the server and the model say. The server sends
 * a stable code and its parameters besides an English message (kept for
 * scripts); the model's issues carry the same codes (@gatehouse/rules
 * issues.ts), so a field error found before sending reads the same as the
 * server's. Each is said in the operator's language by code
 * (`problem.<code>`, `serverError.<code>`); the English message is shown only
 * for a code the catalogues do not know (a unit test checks they know all).
 */
import { issueDetail } from '@gatehouse/rules/model';
import type { TFunction } from 'i18next';
import type { z } from 'zod';
import { ApiError } from './api';
import i18n from './i18n';

type Params = Record<string, string | number>;
/** A field problem as the server reports it (code and params optional: older servers send neither). */
export interface ProblemLike {
  message: string;
  code?: string | undefined;
  params?: Params | undefined;
}

/** i18next's t for keys built from codes (the typed t only takes literal keys). */
function translate(key: string, params: Params | undefined): string | null {
  if (!i18n.exists(key)) return null;
  return (i18n.t as unknown as (k: string, o?: object) => string)(key, params ?? {});
}

/** One field problem (server or client) in the current language. */
export function problemText(p: ProblemLike): string {
  return (p.code ? translate(`problem.${p.code}`, p.params) : null) ?? p.message;
}

/** One zod issue from validating a form with the model's schemas, in the current language. */
export function issueText(issue: z.core.$ZodIssue): string {
  return problemText({ message: issue.message, ...issueDetail(issue) });
}

/**
 * A reason an apply would lock the operator out. The server explains it in
 * English prose for scripts; the UI names the object responsible.
 */
export function lockoutText(l: { reason: string; object?: { kind: string; id: string } | undefined }): string {
  const kind = l.object?.kind.replace('-', '_') ?? 'other';
  return translate(`lockoutReason.${kind}`, { id: l.object?.id ?? '' }) ?? l.reason;
}

/** An error body's own sentence by its code and params, or null when the catalogues do not know the code. */
export function serverErrorText(code: string | null | undefined, params?: Params): string | null {
  return code ? translate(`serverError.${code}`, params) : null;
}

/**
 * The parameters of an error body's sentence: its `params`, and the plain
 * values the server sends beside them as fields of their own (a pair's
 * `node`, `peer`, `reason`), so a sentence can name them either way.
 */
function bodyParams(body: ApiError['body']): Params | undefined {
  if (!body) return undefined;
  const out: Params = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string' || typeof v === 'number') out[k] = v;
  return { ...out, ...body.params };
}

/** One sentence for an error, in the operator's language. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const known = serverErrorText(error.code, bodyParams(error.body));
    if (error.code === 'validation' && error.problems[0]) {
      // A validation error without a form to place its fields on: its first problem says the most.
      return problemText(error.problems[0]);
    }
    if (known) return known;
    if (error.status === 403) return t('errors.forbidden');
    if (error.status === 404) return t('errors.notFound');
    if (error.status === 409) return t('errors.conflict');
    if (error.status >= 500) return t('errors.server', { status: error.status });
    return t('errors.generic', { message: error.message });
  }
  if (error instanceof TypeError) return t('errors.network');
  return t('errors.generic', { message: error instanceof Error ? error.message : String(error) });
}
