/**
 * Test support: one request to the API, through inject or over real HTTP,
 * answered as { status, JSON body, ETag }; and a TCP flow put into a
 * namespace's conntrack table (no traffic needed). Test files used to carry
 * their own copies.
 */
import type { FastifyInstance } from 'fastify';
import { bearer, type Netns } from './helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the API under test, checked by the assertions
export type Json = any;

export interface ApiAnswer {
  status: number;
  body: Json;
  etag: string;
}

/** `/api/v1${url}` through inject, with the caller's headers (a bearer token's or a session's). */
export async function injectApi(
  app: FastifyInstance,
  method: string,
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
): Promise<ApiAnswer> {
  const r = await app.inject({
    method: method as 'GET',
    url: `/api/v1${url}`,
    headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : null, etag: String(r.headers.etag ?? '') };
}

/** `${base}/api/v1${url}` over HTTP with a bearer token: a server reached the way a client reaches it. */
export async function fetchApi(
  base: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${base}/api/v1${url}`, {
    method,
    headers: { ...bearer(token), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, etag: res.headers.get('etag') ?? '' };
}

/** An established, assured TCP flow the kernel holds for 600 s as if it were real (conntrack -I). */
export function insertTcpFlow(
  ns: Netns,
  f: { src: string; dst: string; sport: number; dport: number; mark?: number },
): void {
  ns.exec('conntrack', [
    '-I',
    '-p',
    'tcp',
    '-s',
    f.src,
    '-d',
    f.dst,
    '--sport',
    String(f.sport),
    '--dport',
    String(f.dport),
    '--state',
    'ESTABLISHED',
    '-t',
    '600',
    '-u',
    'ASSURED',
    ...(f.mark !== undefined ? ['-m', String(f.mark)] : []),
  ]);
}
