/**
 * One request from this node's panel to its peer's (issue #16): the peer
 * routes (check, apply, confirm, rollback, state) and the peer-readable GETs
 * (the either-node conntrack tables). Server to server, with the pair's peer
 * token in `Authorization: Peer <token>` (plugins/auth.ts on the other side).
 *
 * Uses Node 20's global fetch (undici): no dependency. A connection error, a
 * timeout or an answer that is not JSON is PeerUnreachable, which callers turn
 * into the pair's degraded state; any JSON answer, whatever its status, is the
 * peer speaking and is returned as it is.
 */
import type { HaNode } from '@gatehouse/rules';

export class PeerUnreachable extends Error {
  constructor(
    readonly node: string,
    readonly detail: string,
  ) {
    super(`the peer ${node} is unreachable: ${detail}`);
    this.name = 'PeerUnreachable';
  }
}

export interface PeerReply {
  status: number;
  body: unknown;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const APPLY_TIMEOUT_MS = 60_000;

function causeOf(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return code ? `${code}: ${cause.message}` : cause.message;
  }
  return err.message;
}

/**
 * One request to the peer's panel: `${peer.apiUrl}/api/v1${path}`,
 * Authorization: Peer <token>, JSON, with a timeout (10 s; 60 s for
 * /peer/apply). Throws PeerUnreachable on a connection error, a timeout or a
 * non-JSON answer.
 */
export async function peerRequest(
  peer: HaNode,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  o: { timeoutMs?: number } = {},
): Promise<PeerReply> {
  const timeoutMs = o.timeoutMs ?? (path.startsWith('/peer/apply') ? APPLY_TIMEOUT_MS : DEFAULT_TIMEOUT_MS);
  const url = `${peer.apiUrl.replace(/\/+$/, '')}/api/v1${path}`;
  const headers: Record<string, string> = { authorization: `Peer ${token}`, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
  } catch (err) {
    throw new PeerUnreachable(peer.name, causeOf(err));
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    throw new PeerUnreachable(peer.name, causeOf(err));
  }
  try {
    return { status: res.status, body: JSON.parse(text) as unknown };
  } catch {
    throw new PeerUnreachable(peer.name, `HTTP ${res.status} with an answer that is not JSON`);
  }
}
