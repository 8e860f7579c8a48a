/**
 * The one HTTP client of the UI: base path, cookie session, CSRF header and
 * error decoding live here so that every endpoint file stays a few lines.
 * Paths are collected in `paths` so renaming a route on the server is a
 * one-line change.
 */
import type { Api } from './types';

export const API_BASE = '/api/v1';

/** Cookie-authenticated writes must echo the session's CSRF token in this header. */
export const CSRF_HEADER = 'X-Gatehouse-CSRF';

export const paths = {
  login: '/auth/login',
  logout: '/auth/logout',
  me: '/auth/me',
  status: '/status',
  forwards: '/forwards',
  forward: (id: string) => `/forwards/${encodeURIComponent(id)}`,
  ftp: '/ftp',
  tftp: '/tftp',
  preview: '/preview',
  applyPending: '/apply/pending',
  apply: '/apply',
  applyConfirm: '/apply/confirm',
  revisions: '/revisions',
  revision: (id: number) => `/revisions/${id}`,
  revisionRollback: (id: number) => `/revisions/${id}/rollback`,
  flows: '/conntrack',
  flow: (id: string) => `/conntrack/${encodeURIComponent(id)}`,
  expectations: '/expectations',
  users: '/users',
  user: (id: number) => `/users/${id}`,
  tokens: '/tokens',
  token: (id: number) => `/tokens/${id}`,
  audit: '/audit',
  events: '/events',
  importProposal: '/import/proposal',
  importAdopt: '/import/adopt',
  importTakeover: '/import/takeover',
} as const;

/** From the login and /auth/me answers of a cookie session (a token session has none). */
let csrfToken: string | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

export class ApiError extends Error {
  readonly status: number;
  /** The server's error body; null when something else answered (a proxy's HTML page, an empty 502). */
  readonly body: Api['ErrorBody'] | null;
  readonly problems: Api['FieldProblem'][];
  /** Seconds to wait, from Retry-After on 429/503. */
  readonly retryAfter: number | null;
  /** Machine-readable code from the error body, e.g. validation, conflict, nft_rejected, lockout. */
  readonly code: string | null;

  constructor(status: number, message: string, body: Api['ErrorBody'] | null, retryAfter: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
    this.problems = body?.problems ?? [];
    this.code = body?.error ?? null;
  }
}

function errorBodyOf(body: unknown): Api['ErrorBody'] | null {
  return body !== null && typeof body === 'object' && typeof (body as Api['ErrorBody']).error === 'string'
    ? (body as Api['ErrorBody'])
    : null;
}

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, Math.ceil(secs));
  const when = Date.parse(value);
  return Number.isNaN(when) ? null : Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | boolean | null | undefined>;
  signal?: AbortSignal;
  /** If-Match: the ETag of the desired version the change was made against (routes that require it). */
  ifMatch?: string;
}

export function apiUrl(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const q = qs.toString();
  return `${API_BASE}${path}${q ? `?${q}` : ''}`;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers[CSRF_HEADER] = csrfToken;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  const res = await fetch(apiUrl(path, opts.query), {
    method,
    headers,
    credentials: 'same-origin',
    body: opts.body === undefined ? null : JSON.stringify(opts.body),
    signal: opts.signal ?? null,
  });
  const text = await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!res.ok) {
    const error = errorBodyOf(body);
    const message = error?.message ?? `${res.status} ${res.statusText}`;
    const err = new ApiError(res.status, message, error, parseRetryAfter(res.headers.get('Retry-After')));
    if (res.status === 401 && path !== paths.login && typeof window !== 'undefined') {
      window.dispatchEvent(new CustomEvent('gatehouse:unauthorized'));
    }
    throw err;
  }
  return body as T;
}
