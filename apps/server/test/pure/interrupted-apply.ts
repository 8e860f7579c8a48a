/**
 * What a crash between an apply's `applying` row and its confirmation
 * leaves, made on a harness: one applied revision, then the next apply's
 * row, never confirmed. For the recovery tests (gateway.test.ts,
 * takeover-recovery.test.ts).
 */
import type { GatewayModel } from '@gatehouse/rules';
import type { Harness } from './support.js';

export async function interruptedApply(h: Harness, model?: GatewayModel) {
  const applied = await h.gateway.apply({ actor: 'admin' });
  /** The script of the revision that stays active. */
  const activeScript = h.gateway.scriptOf(h.gateway.activeRevision());
  const half = h.store.revisions.insert({
    parentId: applied.revision.id,
    author: 'admin',
    kind: 'apply',
    status: 'applying',
    baseline: null,
    delta: null,
    comment: '',
    restoredFrom: null,
    ...(model ? { model: JSON.stringify(model) } : {}),
  });
  return { applied, activeScript, half };
}
