/**
 * The connection and expectation tables of either node of a pair (issue
 * #16): a read with `node=<name>` is this node's own when the name is this
 * node's (or absent), and the same request answered by the peer's panel when
 * it names the peer (peer-client.ts, with the pair's peer token; the peer
 * accepts it on its `peerRead` routes only). The peer's answer is checked
 * against the route's own response schema before it is passed on.
 */
import type { GatewayModel, HaNode } from '@gatehouse/rules';
import type { z } from 'zod';
import { HttpError } from '../../lib/errors.js';
import { PeerUnreachable, peerRequest } from './peer-client.js';

export type NodeChoice = { local: true } | { local: false; peer: HaNode; token: string };

/**
 * Which table a `node` query names. `model` is the active revision's (the pair
 * as it runs), `self` config.haNode. An unknown name is a 400 on the field.
 */
export function chooseNode(model: GatewayModel | null, self: string | undefined, node: string | undefined): NodeChoice {
  if (node === undefined || node === self) return { local: true };
  const nodes = self && model?.ha?.nodes.some((n) => n.name === self) ? model.ha.nodes : [];
  const peer = nodes.find((n) => n.name === node);
  if (!peer || !model?.ha) {
    const known = self ? [self, ...nodes.filter((n) => n.name !== self).map((n) => n.name)] : [];
    const message = known.length
      ? `no node "${node}" in this pair (${known.join(', ')})`
      : `this server is not a node of a pair: leave node out`;
    throw new HttpError(400, 'validation', message, {
      problems: [
        { path: 'querystring.node', message, code: 'pair.unknown_node', params: { node, known: known.join(', ') } },
      ],
    });
  }
  return { local: false, peer, token: model.ha.peerToken };
}

/** The request's query string without `node`, for the peer (which then reads its own table). */
export function queryWithoutNode(url: string): string {
  const at = url.indexOf('?');
  if (at < 0) return '';
  const params = new URLSearchParams(url.slice(at + 1));
  params.delete('node');
  const q = params.toString();
  return q ? `?${q}` : '';
}

/**
 * The same GET answered by the peer: its body when it answers 200 in the
 * route's shape. Unreachable, or an answer that is not the table: 502
 * `peer_unreachable` naming the node. A 400 (the peer refused the query) is
 * passed on as it is.
 */
export async function readFromPeer<S extends z.ZodType>(
  choice: Extract<NodeChoice, { local: false }>,
  path: string,
  schema: S,
): Promise<z.output<S>> {
  const unreachable = (detail: string) =>
    new HttpError(502, 'peer_unreachable', `the peer ${choice.peer.name} cannot be reached: ${detail}`, {
      params: { node: choice.peer.name },
      extra: { node: choice.peer.name },
    });
  let reply: Awaited<ReturnType<typeof peerRequest>>;
  try {
    reply = await peerRequest(choice.peer, choice.token, 'GET', path);
  } catch (err) {
    if (err instanceof PeerUnreachable) throw unreachable(err.detail);
    throw err;
  }
  if (reply.status === 400) {
    const body = reply.body as { error?: unknown; message?: unknown; problems?: unknown };
    throw new HttpError(400, 'validation', typeof body.message === 'string' ? body.message : 'the peer refused it', {
      ...(Array.isArray(body.problems) ? { problems: body.problems } : {}),
    });
  }
  if (reply.status !== 200) {
    const error = (reply.body as { error?: unknown }).error;
    throw unreachable(`it answered HTTP ${reply.status}${typeof error === 'string' ? ` ${error}` : ''}`);
  }
  const parsed = schema.safeParse(reply.body);
  if (!parsed.success) throw unreachable('its answer is not the table this server expects (another version?)');
  return parsed.data;
}
