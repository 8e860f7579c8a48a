import { NFT_OBJECT_KINDS } from '@gatehouse/rules';
import { z } from 'zod';

/** What a message quotes (a port, a forward's name), for clients that translate by code. */
export const ErrorParams = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .describe('the values the English message quotes, by name, for clients that translate by code');

export const FieldProblem = z.object({
  path: z.string().describe('dotted path of the field, e.g. body.forwards.0.publicPorts'),
  message: z.string().describe('English, for scripts and logs'),
  code: z
    .string()
    .optional()
    .describe('stable code of the problem, e.g. forward.ports_overlap, too_long, invalid_ipv4'),
  params: ErrorParams.optional(),
});

export const NftObject = z.object({
  kind: z.enum(NFT_OBJECT_KINDS),
  id: z.string().optional(),
});

/** Every error response has this shape; 5xx bodies never carry internal detail. */
export const ErrorBody = z
  .object({
    error: z.string().describe('machine-readable code, e.g. validation, conflict, nft_rejected'),
    message: z.string().describe('English, for scripts and logs'),
    params: ErrorParams.optional(),
    problems: z.array(FieldProblem).optional().describe('the first 20 problems (see problemCount)'),
    problemCount: z.number().int().optional().describe('how many problems there were in all'),
    object: NftObject.optional().describe('the model object nft rejected'),
    diagnostics: z
      .array(
        z.object({
          line: z.number().optional(),
          column: z.number().optional(),
          message: z.string(),
          source: z.string().optional(),
          object: NftObject.optional(),
        }),
      )
      .optional(),
    lockout: z
      .array(z.object({ reason: z.string(), object: z.object({ kind: z.string(), id: z.string() }).optional() }))
      .optional()
      .describe('why an apply would cut off the operator (409 lockout)'),
    currentVersion: z.number().optional().describe('the configuration version now stored (412)'),
  })
  .loose()
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBody>;

export const Ok = z.object({ ok: z.literal(true) });

/** Longest text accepted where a number is expected in a path or query string (2^53 has 16 digits). */
export const MAX_NUMBER_TEXT = 20;

/**
 * A whole number sent as text (path parameter or query string), between min
 * and max. The text is length-checked before it is converted.
 */
export const IntText = (min: number, max: number) =>
  z
    .string()
    .max(MAX_NUMBER_TEXT, { error: `expected a whole number between ${min} and ${max}` })
    .regex(/^\s*-?\d+\s*$/, { error: 'expected a whole number' })
    .pipe(z.coerce.number<string>().int().min(min).max(max));

export const IdParam = z.object({ id: IntText(1, Number.MAX_SAFE_INTEGER) });

export const Role = z.enum(['admin', 'viewer']);
export type Role = z.infer<typeof Role>;

/** The errors any authenticated route can answer: bad input, not logged in, not allowed. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
} as const;

/** What a route that applies to the kernel adds: unknown revision, conflict/lockout/busy, nft refused, nft failed. */
export const applyErrorResponses = {
  ...errorResponses,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  502: ErrorBody,
} as const;

/** What a write route with If-Match and ?apply=true adds: conflict/lockout/busy, stale ETag, nft refused, nft failed. */
export const writeErrorResponses = {
  ...errorResponses,
  409: ErrorBody,
  412: ErrorBody,
  422: ErrorBody,
  502: ErrorBody,
} as const;
