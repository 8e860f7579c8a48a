/**
 * Data of the `pair` Server-Sent Events (GET /events), one shape per `kind`:
 * what the pair's watch (services/ha/pair-watch.ts), a failover by hand
 * (failover.ts) and a pair apply (pair-events.ts) publish. Every kind names
 * `node`; clients switch on `kind` and may ignore kinds they do not know.
 */
import { z } from 'zod';

const Instance = z.enum(['wan', 'lan']);

export const PairEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('failover'),
    node: z.string().nullable().describe('this node'),
    instance: z.string(),
    address: z.string(),
    state: z.enum(['master', 'backup']).describe('what this node became for the instance'),
  }),
  z.object({
    kind: z.literal('sync_errors'),
    node: z.string().nullable(),
    increase: z.record(z.string(), z.number()).optional().describe("conntrackd's counters that rose, by how much"),
    error: z.string().optional().describe('conntrackd stopped answering'),
  }),
  z.object({
    kind: z.literal('failover_by_hand'),
    node: z.string(),
    peer: z.string(),
    released: z.array(Instance),
    stillHeld: z.array(Instance),
    actor: z.string(),
  }),
  z.object({ kind: z.literal('resume'), node: z.string(), started: z.boolean(), actor: z.string() }),
  z.object({
    kind: z.literal('degraded_apply'),
    node: z.string().describe('this node: it applied (confirmed, rolled back) alone'),
    peer: z.string().describe('the peer that did not answer'),
    phase: z.enum(['apply', 'confirm', 'rollback']),
    reason: z.string().describe('why the peer was unreachable (connection refused, timeout, ...)'),
    revisionId: z.number().int().nullable(),
    actor: z.string(),
  }),
  z.object({
    kind: z.literal('peer_refused'),
    node: z.string().describe('the node that refused: the peer'),
    phase: z.string().describe('check, apply, confirm or rollback'),
    reason: z.string().describe("the peer's reason"),
    rolledBack: z.boolean().describe('this node was put back to its parent revision (phase apply)'),
    revisionId: z.number().int().nullable().describe("this node's revision the peer refused (null at the check)"),
    actor: z.string(),
  }),
]);
export type PairEvent = z.output<typeof PairEvent>;
