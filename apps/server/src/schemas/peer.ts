/**
 * Bodies of the peer routes (routes/peer.ts): one node of an HA pair asking
 * the other to check, apply, confirm or undo a revision of the pair (issue
 * #16). Server to server, `Authorization: Peer <token>`; the model is the
 * rules package's, validated again by the peer's own Applier path.
 */
import { z } from 'zod';

export const PairOrigin = z.object({
  node: z.string().min(1).max(40).describe('the node the revision was applied from'),
  revisionId: z.number().int().min(1).nullable().describe("the revision's id on that node; null at the check"),
});

const actor = z.string().min(1).max(200).describe('who asked on the origin node (audited as "<actor> via <node>")');

export const PeerCheckBody = z.object({
  model: z.unknown().describe('the whole gateway model, with its secrets (validated by the peer)'),
  origin: PairOrigin,
  actor,
});

export const PeerApplyBody = PeerCheckBody.extend({
  confirmWithinSeconds: z.number().int().min(5).max(3600).optional(),
  comment: z.string().max(256).optional(),
});

export const PeerOriginBody = z.object({ origin: PairOrigin, actor: actor.optional() });

export const PeerCheckResult = z.object({
  ok: z.literal(true),
  node: z.string(),
  activeRevisionId: z.number().nullable(),
});

export const PeerApplyResult = z.object({ node: z.string(), revisionId: z.number() });

export const PeerConfirmResult = PeerApplyResult;

export const PeerRollbackResult = z.object({
  node: z.string(),
  restoredRevisionId: z.number().nullable().describe('null: this node did not hold that revision; nothing changed'),
});

export const PeerState = z.object({
  node: z.string(),
  activeRevisionId: z.number().nullable(),
  activeOrigin: PairOrigin.nullable(),
  pending: z.boolean(),
  desiredVersion: z.number(),
});
