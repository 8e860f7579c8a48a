/**
 * conntrackd's statistics (`conntrackd -C <config> -s`) as numbers: the
 * internal cache (this node's flows), the external cache (the peer's, ready
 * to commit on a failover), the sync link's traffic and errors, and lost or
 * malformed sync messages. Pure: the text in, the figures out; a line that
 * is missing reads as null, never as 0.
 */
import type { CacheStats, ConntrackdStats } from '../../schemas/pair.js';

function section(text: string, head: string): string {
  const at = text.indexOf(head);
  if (at < 0) return '';
  const rest = text.slice(at + head.length);
  const end = rest.search(/\n\s*\n/);
  return end < 0 ? rest : rest.slice(0, end);
}

const num = (m: RegExpExecArray | null, i = 1): number | null => (m?.[i] === undefined ? null : Number(m[i]));

function cache(text: string): CacheStats {
  const pair = (what: string) => new RegExp(`connections ${what}:\\s+(\\d+)\\s+failed:\\s+(\\d+)`).exec(text);
  const created = pair('created');
  const updated = pair('updated');
  const destroyed = pair('destroyed');
  return {
    active: num(/current active connections:\s+(\d+)/.exec(text)),
    created: num(created),
    createdFailed: num(created, 2),
    updated: num(updated),
    updatedFailed: num(updated, 2),
    destroyed: num(destroyed),
    destroyedFailed: num(destroyed, 2),
  };
}

export function parseConntrackdStats(text: string): ConntrackdStats {
  const udp = /(?:UDP|Multicast) traffic \(active device=([^)]+)\):([\s\S]*?)(?:\n\s*\n|$)/.exec(text);
  const link = udp?.[2] ?? '';
  const pair = (a: string, b: string) => new RegExp(`(\\d+) ${a}\\s+(\\d+) ${b}`).exec(link);
  const bytes = pair('Bytes sent', 'Bytes recv');
  const packets = pair('Pckts sent', 'Pckts recv');
  const errors = pair('Error send', 'Error recv');
  const messages = /(\d+) Malformed msgs\s+(\d+) Lost msgs/.exec(text);
  return {
    internal: cache(section(text, 'cache internal:')),
    external: cache(section(text, 'cache external:')),
    link: {
      device: udp?.[1] ?? null,
      bytesSent: num(bytes),
      bytesReceived: num(bytes, 2),
      packetsSent: num(packets),
      packetsReceived: num(packets, 2),
      sendErrors: num(errors),
      receiveErrors: num(errors, 2),
    },
    messages: { malformed: num(messages), lost: num(messages, 2) },
  };
}
