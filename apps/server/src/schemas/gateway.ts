/**
 * Bodies of the gateway-state routes. The model itself is the rules
 * package's: the server validates with exactly what the UI validates with.
 */
import { FtpHelperPolicy, GatewayModel, PortForward, TftpHelperPolicy } from '@gatehouse/rules/model';
import { z } from 'zod';

export { FtpHelperPolicy, GatewayModel, PortForward, TftpHelperPolicy };

/** The model as stored and returned (defaults filled in). */
export const GatewayConfig = GatewayModel;

export const ForwardList = z.object({
  items: z.array(PortForward),
  total: z.number().int().optional().describe('number of forwards in the model'),
});

export const ApplyBody = z.object({
  confirmWithinSeconds: z
    .number()
    .int()
    .min(5)
    .max(3600)
    .optional()
    .describe('make the apply provisional: unless apply/confirm arrives in time, the previous revision is restored'),
  force: z.boolean().default(false).describe('apply even if it would cut off the connection this request came through'),
  comment: z.string().max(256).default(''),
});

export const RollbackBody = ApplyBody;

export const ConfirmBody = z
  .object({
    reconnect: z
      .boolean()
      .default(false)
      .describe(
        'confirm only if this request came over a connection opened after the provisional apply (proof that a new connection still reaches the panel); 409 confirm_needs_new_connection otherwise',
      ),
  })
  .nullish()
  .describe('optional: a confirm with no body is a plain confirm');

export const RevisionStatus = z.enum(['applying', 'provisional', 'confirmed', 'superseded', 'rolled-back', 'failed']);
export const RevisionKind = z.enum(['apply', 'rollback', 'auto-rollback']);

export const RevisionSummary = z.object({
  id: z.number(),
  parentId: z.number().nullable(),
  author: z.string(),
  createdAt: z.string(),
  kind: RevisionKind,
  status: RevisionStatus,
  comment: z.string(),
  restoredFrom: z.number().nullable(),
  active: z.boolean(),
  nodes: z
    .array(z.string())
    .nullable()
    .default(null)
    .describe('pair nodes that hold this revision: null not a pair revision, one entry applied on this node only'),
  origin: z
    .object({ node: z.string(), revisionId: z.number().nullable() })
    .nullable()
    .default(null)
    .describe("on the peer's copy of a pair revision: the node and revision it came from"),
});
export const Revision = RevisionSummary.extend({
  model: GatewayModel.nullable().describe('null: the state before anything was applied (no table)'),
  script: z.string(),
  diff: z.string().describe('unified diff of the script against the predecessor (parentId)'),
});
export const RevisionPage = z.object({ items: z.array(RevisionSummary), nextCursor: z.number().nullable() });

export const PendingConfirmation = z.object({
  revisionId: z.number(),
  previousRevisionId: z.number().nullable(),
  deadline: z.string(),
  secondsLeft: z.number(),
});

export const ApplyResult = z.object({
  revision: RevisionSummary,
  pending: PendingConfirmation.nullable(),
  durationMs: z.number(),
  natFtp: z.string().nullable().describe('state of nf_nat_ftp when the FTP helper is on'),
});

export const LockoutProblem = z.object({
  reason: z.string().describe('what would happen to the connection this request came through, in plain words'),
  object: z
    .object({ kind: z.enum(['forward', 'gateway-forward', 'interfaces']), id: z.string() })
    .optional()
    .describe('the model object responsible (interfaces/wan: a rename or swap of the WAN interface)'),
});

export const Preview = z.object({
  script: z.string(),
  diff: z.string().describe('unified diff from the script of the applied revision to this one'),
  appliedRevision: z.number().nullable(),
  changed: z.boolean(),
  drift: z.object({ drifted: z.boolean(), missing: z.boolean(), diff: z.string() }).nullable(),
  lockout: z.array(LockoutProblem),
});

/**
 * `?degraded=true` on every route that applies, on a pair node (issue #16):
 * the peer is unreachable and the operator applies on this node alone.
 * Without it, an unreachable peer is 409 pair_degraded and nothing changes.
 */
export const DegradedQuery = z.object({
  degraded: z
    .enum(['true', 'false'])
    .optional()
    .describe('a pair node with its peer unreachable: apply on this node only (audited pair.degraded_apply)'),
});
