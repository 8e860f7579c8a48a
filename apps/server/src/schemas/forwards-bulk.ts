/** Bodies and results of the forward list's bulk actions, import and hit totals. */
import { PortForward } from '@gatehouse/rules/model';
import { z } from 'zod';

/** Most forwards one bulk request or one import may name. */
export const MAX_BULK = 10000;

export const ForwardBulkBody = z.object({
  action: z.enum(['enable', 'disable', 'delete']),
  ids: z
    .array(z.string().min(1).max(40))
    .min(1, { error: 'choose at least one forward' })
    .max(MAX_BULK, { error: `at most ${MAX_BULK} forwards at once` }),
});

export const ForwardBulkResult = z.object({
  action: z.enum(['enable', 'disable', 'delete']),
  changed: z.number().int().describe('how many forwards the action changed'),
  total: z.number().int().describe('number of forwards in the model after it'),
});

export const ForwardImportBody = z.object({
  mode: z
    .enum(['merge', 'replace'])
    .describe('merge: by id, replacing the same ids and adding the others; replace: the list becomes exactly these'),
  forwards: z.array(PortForward).max(MAX_BULK, { error: `at most ${MAX_BULK} forwards at once` }),
});

export const ForwardImportResult = z.object({
  added: z.number().int(),
  replaced: z.number().int(),
  removed: z.number().int(),
  total: z.number().int(),
});

export const ForwardHit = z.object({
  forwardId: z.string(),
  packets: z.number().int(),
  bytes: z.number().int(),
  since: z.string().describe('when this forward was first counted (ISO 8601)'),
});
export const ForwardHitList = z.object({ items: z.array(ForwardHit) });
