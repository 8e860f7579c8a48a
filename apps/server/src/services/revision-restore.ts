/**
 * "Restore" for a revision that did not stay loaded (nft rejected it, or it
 * was rolled back because nobody confirmed it): its model becomes the
 * desired model again, so it can be fixed and applied anew. Nothing is
 * loaded; a revision that applied fine is rolled back to instead (apply path).
 */
import { HttpError } from '../lib/errors.js';
import { summarizeChange } from './gateway/summary.js';
import type { GatewayService } from './gateway.js';

/** Revisions whose model is restored rather than rolled back to. */
export const RESTORABLE_STATUSES: ReadonlySet<string> = new Set(['failed', 'rolled-back']);

export function restoreRevisionModel(
  g: GatewayService,
  revisionId: number,
  ifVersion: number | undefined,
  actor: string,
) {
  const r = g.revision(revisionId);
  if (!r) throw new HttpError(404, 'not_found', `revision ${revisionId} not found`);
  if (!RESTORABLE_STATUSES.has(r.status)) {
    throw new HttpError(
      409,
      'not_rejected',
      `revision ${revisionId} was not rejected nor rolled back: roll back to it instead`,
      { params: { id: revisionId } },
    );
  }
  const model = g.revisionModel(r);
  if (!model) throw new HttpError(409, 'not_restorable', `revision ${revisionId} holds no gateway model to restore`);
  // Validated again on the way in (putDesired): a model an upgrade no longer accepts is refused field by field.
  const d = g.putDesired(model, ifVersion, actor, 'config.restore_revision', `revision:${revisionId}`, (p) =>
    p ? `model.${p}` : 'model',
  );
  return { version: d.version, revisionId, sentences: summarizeChange(g.revisionModel(g.activeRevision()), d.model) };
}
