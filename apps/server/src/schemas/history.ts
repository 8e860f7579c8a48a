import { z } from 'zod';

export const CountsSample = z.object({
  at: z.number().describe('milliseconds since the epoch'),
  flows: z.number(),
  expectations: z.number(),
});

/** GET /status/history: the dashboard chart's recent past, oldest first. */
export const StatusHistory = z.object({
  intervalMs: z.number().describe('how often the server samples'),
  capacity: z.number().describe('how many samples it keeps (the window is intervalMs x capacity)'),
  samples: z.array(CountsSample),
});

export const StatusHistoryQuery = z.object({
  since: z.coerce
    .number()
    .int()
    .min(0)
    .max(8_640_000_000_000_000)
    .optional()
    .describe('only samples after this moment (ms since the epoch)'),
});
