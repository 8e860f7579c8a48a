/** The HTTP API, and nothing else: every command is one or two requests with the bearer token. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Api } from '@gatehouse/server/schemas';

type ErrorBody = Api['ErrorBody'];

export class ApiError extends Error {
  readonly status: number;
  readonly body: ErrorBody | null;
  constructor(status: number, body: ErrorBody | null, fallback: string) {
    super(body?.message ?? fallback);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }

  /** The message with every field problem, lockout reason and nft diagnostic, one per line. */
  describe(): string {
    const lines = [`${this.message} (HTTP ${this.status}${this.body ? `, ${this.body.error}` : ''})`];
    for (const p of this.body?.problems ?? []) lines.push(`  ${p.path}: ${p.message}`);
    for (const l of this.body?.lockout ?? []) lines.push(`  lockout: ${l.reason}`);
    for (const d of this.body?.diagnostics ?? []) lines.push(`  ${d.line ? `line ${d.line}: ` : ''}${d.message}`);
    lines.push(...pairLines(this.body));
    return lines.join('\n');
  }
}

/**
 * A pair apply's refusals (issue #16), said in full: pair_degraded names the
 * unreachable peer and the override, pair_peer_refused the node, the phase,
 * its reason and whether this node was put back.
 */
function pairLines(body: ErrorBody | null): string[] {
  const b = (body ?? {}) as Record<string, unknown>;
  if (b.error === 'pair_degraded') {
    return [
      `  peer: ${b.peer ?? '?'} (unreachable${typeof b.detail === 'string' ? `: ${b.detail}` : ''})`,
      '  nothing was applied; run the command again with --degraded to apply on this node only',
    ];
  }
  if (b.error === 'pair_peer_refused') {
    const lines = [`  node: ${b.node ?? '?'}`, `  phase: ${b.phase ?? '?'}`, `  reason: ${b.reason ?? '?'}`];
    if (b.phase === 'apply') {
      lines.push(
        b.rolledBack === false
          ? '  this node could NOT be put back to its previous revision: check it'
          : '  this node was put back to its previous revision; nothing changed on either node',
      );
    } else lines.push('  nothing changed on either node');
    return lines;
  }
  return [];
}

export interface Response<T> {
  status: number;
  body: T;
  etag: string | null;
  headers: Headers;
}

export class Client {
  readonly base: string;
  private readonly token: string;

  constructor(url: string, token: string) {
    this.base = `${url.replace(/\/+$/, '')}/api/v1`;
    this.token = token;
  }

  async request<T>(
    method: string,
    path: string,
    opts: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response<T>> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, ...opts.headers };
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    });
    const text = await res.text();
    let body: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) body = JSON.parse(text);
    if (!res.ok) {
      const err = body && typeof body === 'object' && 'error' in body ? (body as ErrorBody) : null;
      throw new ApiError(res.status, err, `${method} ${path}: HTTP ${res.status}`);
    }
    return { status: res.status, body: body as T, etag: res.headers.get('etag'), headers: res.headers };
  }

  /**
   * One request over a connection opened for it and closed after it (no
   * pool, `Connection: close`): what a confirm by reconnection needs, since a
   * kept-alive connection keeps its NAT mapping whatever the new rules say.
   */
  requestOnNewConnection<T>(
    method: string,
    path: string,
    opts: { body?: unknown; timeoutMs?: number } = {},
  ): Promise<Response<T>> {
    const url = new URL(`${this.base}${path}`);
    const text = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          agent: false,
          timeout: opts.timeoutMs ?? 5000,
          headers: {
            authorization: `Bearer ${this.token}`,
            connection: 'close',
            ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            data += c;
          });
          res.on('end', () => {
            let body: unknown = data;
            try {
              if (String(res.headers['content-type'] ?? '').includes('json') && data) body = JSON.parse(data);
            } catch {
              // not JSON: kept as text
            }
            const status = res.statusCode ?? 0;
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
            if (status < 200 || status >= 300) {
              const err = body && typeof body === 'object' && 'error' in body ? (body as ErrorBody) : null;
              reject(new ApiError(status, err, `${method} ${path}: HTTP ${status}`));
              return;
            }
            resolve({ status, body: body as T, etag: headers.get('etag'), headers });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 5000} ms`)));
      req.on('error', reject);
      req.end(text);
    });
  }

  get<T>(path: string): Promise<Response<T>> {
    return this.request<T>('GET', path);
  }

  /** Server-Sent Events: calls `onMessage` for every message until the stream ends or `signal` aborts. */
  async follow(path: string, onMessage: (event: string, data: unknown) => void, signal?: AbortSignal): Promise<void> {
    const res = await fetch(`${this.base}${path}`, {
      headers: { authorization: `Bearer ${this.token}`, accept: 'text/event-stream' },
      signal,
    });
    if (!res.ok || !res.body) {
      const text = await res.text();
      let body: ErrorBody | null = null;
      try {
        body = JSON.parse(text) as ErrorBody;
      } catch {
        // not JSON
      }
      throw new ApiError(res.status, body, `GET ${path}: HTTP ${res.status}`);
    }
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue; // keep-alive comment
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length === 0) continue;
          const text = data.join('\n');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // plain text data
          }
          onMessage(event, parsed);
        }
      }
    } catch (err) {
      if (signal?.aborted) return;
      throw err;
    }
  }
}
