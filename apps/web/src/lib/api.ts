/**
 * The one HTTP client of the UI: base path, cookie session, CSRF header and
 * error decoding live here so that every endpoint file stays a few lines.
 * Paths are collected in `paths` so renaming a route on the server is a
 * one-line change.
 */
import type { FieldProblem } from './types';

export const API_BASE = '/api/v1';

/** Cookie-authenticated writes must echo the session's CSRF token in this header. */
export const CSRF_HEADER = 'X-Gatehouse-CSRF';

export const paths = {
  login: '/auth/login',
  logout: '/auth/logout',
  me: '/auth/me',
  status: '/status',
  counters: '/counters',
  forwards: '/forwards',
  forward: (id: string) => `/forwards/${encodeURIComponent(id)}`,
  ftp: '/ftp',
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
} as const;

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

function csrfFromCookie(): string | null {
  if (typeof document === 'undefined') return null;
  const m = /(?:^|;\s*)(?:gatehouse[-_]csrf|csrf[-_]token)=([^;]+)/i.exec(document.cookie);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problems: FieldProblem[];
  /** Seconds to wait, from Retry-After on 429/503. */
  readonly retryAfter: number | null;
  /** Machine-readable code from the error body, e.g. validation, conflict, nft_rejected, lockout. */
  readonly code: string | null;
  readonly body: unknown;

  constructor(status: number, message: string, body: unknown, retryAfter: number | null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.retryAfter = retryAfter;
    this.problems = problemsOf(body);
    const b = body as { error?: unknown; code?: unknown } | null;
    this.code = typeof b?.error === 'string' ? b.error : typeof b?.code === 'string' ? b.code : null;
  }
}

/** Field problems from whichever shape the server used: ours, fastify's, or zod's. */
export function problemsOf(body: unknown): FieldProblem[] {
  if (!body || typeof body !== 'object') return [];
  const b = body as Record<string, unknown>;
  const list = b.problems ?? b.issues ?? b.errors ?? b.details ?? b.validation;
  if (!Array.isArray(list)) return [];
  return list.flatMap((p): FieldProblem[] => {
    if (!p || typeof p !== 'object') return [];
    const o = p as Record<string, unknown>;
    const message = typeof o.message === 'string' ? o.message : '';
    let path = '';
    if (typeof o.path === 'string') path = o.path;
    else if (Array.isArray(o.path)) path = o.path.map(String).join('.');
    else if (typeof o.instancePath === 'string') path = o.instancePath.replace(/^\//, '').replaceAll('/', '.');
    else if (typeof o.field === 'string') path = o.field;
    // The server reports request fields as body.forwards.3.publicPorts; the form only knows the field.
    path = path.replace(/^(body|querystring|params)\./, '');
    return message ? [{ path, message }] : [];
  });
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
  if (method !== 'GET') {
    const token = csrfToken ?? csrfFromCookie();
    if (token) headers[CSRF_HEADER] = token;
  }
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
    const message =
      (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string'
        ? (body as { message: string }).message
        : null) ?? `${res.status} ${res.statusText}`;
    const err = new ApiError(res.status, message, body, parseRetryAfter(res.headers.get('Retry-After')));
    if (res.status === 401 && path !== paths.login && typeof window !== 'undefined') {
      window.dispatchEvent(new CustomEvent('gatehouse:unauthorized'));
    }
    throw err;
  }
  return body as T;
}

/** Lists come back either bare or wrapped in { items }. */
export function itemsOf<T>(value: T[] | { items: T[] } | null | undefined): T[] {
  if (!value) return [];
  return Array.isArray(value) ? value : (value.items ?? []);
}
