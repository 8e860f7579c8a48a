/** Pending changes in plain words, discarding them, rolling back now, drift repair, comparing a revision. */
import { z } from 'zod';

/** One sentence of a change: a code and parameters for the UI's translation, and the English text. */
export const ChangeSentence = z.object({
  code: z.string().describe('e.g. forward-added, ftp-ports-added (services/gateway/summary.ts)'),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  text: z.string().describe('the sentence in English'),
});

/** GET /pending */
export const PendingSummary = z.object({
  changed: z.boolean().describe('the desired model differs from the applied revision'),
  appliedRevision: z.number().nullable(),
  desiredVersion: z.number(),
  sentences: z.array(ChangeSentence).describe('what an apply would change, in plain words (at most 50, then "more")'),
  lastRejected: z
    .object({ revisionId: z.number(), kind: z.enum(['auto-rollback', 'rollback']), at: z.string() })
    .nullable()
    .describe('the provisional revision the last rollback undid, when the desired model still holds its change'),
});

/** POST /pending/discard */
export const DiscardBody = z
  .object({ comment: z.string().max(256).default('') })
  .nullish()
  .describe('optional');
export const DiscardResult = z.object({ version: z.number(), changed: z.boolean() });

/** POST /apply/rollback-now, POST /drift/restore */
export const RestoreResult = z.object({ revisionId: z.number().nullable(), restoredFrom: z.number().nullable() });
export const RestoreBody = z
  .object({ comment: z.string().max(256).default('') })
  .nullish()
  .describe('optional');

/** GET /revisions/:id/compare */
export const RevisionCompare = z.object({
  revisionId: z.number(),
  currentRevisionId: z.number().nullable(),
  diff: z.string().describe("unified diff from the live revision's script to this revision's"),
  sentences: z.array(ChangeSentence).describe('what rolling back to this revision would change, in plain words'),
  restorable: z.boolean(),
});
