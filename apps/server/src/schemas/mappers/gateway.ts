/** Store records of the apply path as the API shows them (schemas/gateway.ts). */
import type { z } from 'zod';
import type { PendingConfirmation as PendingRecord, RevisionSummary as RevisionRecord } from '../../store/store.js';
import type { PendingConfirmation, RevisionSummary } from '../gateway.js';

export function revisionSummary(r: RevisionRecord, activeId: number | null): z.output<typeof RevisionSummary> {
  return {
    id: r.id,
    parentId: r.parentId,
    author: r.author,
    createdAt: r.createdAt,
    kind: r.kind,
    status: r.status,
    comment: r.comment,
    restoredFrom: r.restoredFrom,
    active: r.id === activeId,
    nodes: r.nodes ?? null,
    origin: r.origin ?? null,
  };
}

export function pendingView(p: PendingRecord | null): z.output<typeof PendingConfirmation> | null {
  return p
    ? {
        revisionId: p.revisionId,
        previousRevisionId: p.previousRevisionId,
        deadline: new Date(p.deadline).toISOString(),
        secondsLeft: Math.max(0, Math.ceil((p.deadline - Date.now()) / 1000)),
      }
    : null;
}
