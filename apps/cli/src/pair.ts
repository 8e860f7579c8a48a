/**
 * `gatehouse pair status` and the `pair` lines of `gatehouse events`: the HA
 * pair as this node sees it (GET /pair) and its events, as lines a person
 * reads.
 */
import type { Api } from '@gatehouse/server/schemas';
import { table } from './output.js';

export function formatPairStatus(p: Api['PairStatus']): string {
  if (!p.configured) return 'no pair in the applied revision\n';
  const s = p.peerState;
  const peer = s
    ? `peer ${p.peer}: ${s.reachable ? `revision ${s.activeRevisionId ?? '-'}${s.inSync ? ', in sync' : ', NOT in sync'}` : `unreachable (${s.error})`}`
    : `peer ${p.peer ?? '-'}`;
  const held = p.heldByHand ? ' (keepalived held down: gatehouse pair resume)' : '';
  return `${table(
    ['INSTANCE', 'INTERFACE', 'ADDRESS', 'THIS NODE'],
    p.instances.map((i) => [i.name, i.interface, i.address, i.state]),
  )}node ${p.node ?? '-'}${held}; ${peer}${p.degraded ? '; DEGRADED' : ''}\n`;
}

/** One line for a `pair` event (GET /events), by its kind; a kind this client does not know as JSON. */
export function describePairEvent(d: Record<string, unknown>): string {
  const list = (v: unknown) => (Array.isArray(v) ? v.join(', ') : '');
  switch (d.kind) {
    case 'failover':
      return `pair ${d.node ?? '-'} became ${d.state} of ${d.instance} (${d.address})`;
    case 'failover_by_hand':
      return `pair ${d.node} failed over by hand to ${d.peer}: released ${list(d.released)} (by ${d.actor})`;
    case 'resume':
      return `pair ${d.node} resumed${d.started ? '' : ' (keepalived was running)'} (by ${d.actor})`;
    case 'sync_errors':
      return `pair ${d.node ?? '-'} sync errors: ${d.error ?? JSON.stringify(d.increase ?? {})}`;
    case 'degraded_apply':
      return `pair ${d.node} ${d.phase === 'apply' ? 'applied' : d.phase === 'confirm' ? 'confirmed' : 'rolled back'} revision ${d.revisionId ?? '-'} alone: peer ${d.peer} unreachable (${d.reason}) (by ${d.actor})`;
    case 'peer_refused':
      return `pair ${d.node} refused revision ${d.revisionId ?? '-'} (${d.phase}): ${d.reason}${d.rolledBack ? '; this node was put back' : ''} (by ${d.actor})`;
    default:
      return `pair ${JSON.stringify(d)}`;
  }
}
