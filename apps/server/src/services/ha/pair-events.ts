/**
 * A pair apply's audit entries that an operator watching the panel should
 * see at once: a revision applied (confirmed, rolled back) on this node alone
 * because the peer did not answer, and the peer refusing a revision this node
 * had applied (then put back). PairApply records them in the audit log; this
 * records them the same and publishes each as a `pair` event
 * (schemas/pair-events.ts) beside the failover and sync events. A refusal
 * PairApply only throws (at the peer's check, confirm or rollback: nothing
 * changed anywhere) is recorded and published the same by noteRefusal.
 */
import { HttpError } from '../../lib/errors.js';
import type { PairEvent } from '../../schemas/pair-events.js';
import type { EventHub } from '../events.js';

type Details = Record<string, unknown>;

const DEGRADED: Record<string, 'apply' | 'confirm' | 'rollback'> = {
  'pair.degraded_apply': 'apply',
  'pair.degraded_confirm': 'confirm',
  'pair.degraded_rollback': 'rollback',
};

const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

/** `revision:12` -> 12. */
function revisionOf(target: string): number | null {
  const m = /^revision:(\d+)$/.exec(target);
  return m ? Number(m[1]) : null;
}

/** The event an audit entry of PairApply's makes, or null for an entry that makes none. */
export function pairEventOf(
  self: string,
  actor: string,
  action: string,
  target: string,
  details: Details,
): PairEvent | null {
  const phase = DEGRADED[action];
  if (phase) {
    return {
      kind: 'degraded_apply',
      node: self,
      peer: text(details.peer),
      phase,
      reason: text(details.error ?? details.detail),
      revisionId: revisionOf(target),
      actor,
    };
  }
  if (action === 'pair.peer_refused') {
    return {
      kind: 'peer_refused',
      node: text(details.node),
      phase: text(details.phase, 'apply'),
      reason: text(details.reason),
      rolledBack: details.rolledBack === true,
      revisionId: revisionOf(target),
      actor,
    };
  }
  return null;
}

export type PairAudit = (actor: string, action: string, target: string, details: object) => void;

/**
 * A pair_peer_refused PairApply threw without an audit entry (every phase but
 * the apply, which it records itself): recorded as pair.peer_refused through
 * `audit` (so also a `pair` event). Returns the error, to be thrown on.
 */
export function noteRefusal(audit: PairAudit | null, err: unknown, actor: string, revisionId: number | null): unknown {
  if (!audit || !(err instanceof HttpError) || err.code !== 'pair_peer_refused') return err;
  const x = err.extra as { node?: unknown; phase?: unknown; reason?: unknown };
  if (x.phase === 'apply') return err;
  audit(actor, 'pair.peer_refused', revisionId === null ? 'pair' : `revision:${revisionId}`, {
    node: x.node,
    phase: x.phase,
    reason: x.reason,
    rolledBack: false,
  });
  return err;
}

/** PairApply's `audit`: the entry recorded, and published when it makes an event. */
export function auditAndPublish(
  audit: { record(actor: string, action: string, target: string, detail?: unknown): void },
  hub: Pick<EventHub, 'publish'>,
  self: string,
): PairAudit {
  return (actor, action, target, details) => {
    audit.record(actor, action, target, details);
    const event = pairEventOf(self, actor, action, target, details as Details);
    if (event) hub.publish('pair', event);
  };
}
