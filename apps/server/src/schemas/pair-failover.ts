/** POST /pair/failover and POST /pair/resume: see services/ha/failover.ts. */
import { z } from 'zod';

export const PairFailoverBody = z
  .object({ comment: z.string().max(256).default('') })
  .nullish()
  .describe('optional: a comment for the audit log');

export const PairFailoverResult = z.object({
  node: z.string().describe('this node'),
  peer: z.string().describe('the node expected to hold the virtual addresses now'),
  released: z.array(z.enum(['wan', 'lan'])).describe('the VRRP instances this node was MASTER of'),
  stillHeld: z
    .array(z.enum(['wan', 'lan']))
    .describe('instances whose virtual address was still on this node when the wait ended (normally empty)'),
});

export const PairResumeResult = z.object({
  node: z.string(),
  started: z.boolean().describe('false: keepalived was not held down (nothing to do)'),
});

export type PairFailoverResult = z.output<typeof PairFailoverResult>;
export type PairResumeResult = z.output<typeof PairResumeResult>;
