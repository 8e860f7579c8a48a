/**
 * The one error handler. Validation problems become 400 with the field path
 * of each; nft rejecting a ruleset becomes 422 naming the model object the
 * offending line came from; errors we raise on purpose keep their status;
 * Fastify's own refusals (body too large, malformed JSON, wrong content
 * type, rate limits) get their status and a code of ours. Anything else is a
 * 5xx with a fixed message: no stack, no command line, no stderr reaches the
 * client (the log has them, bounded).
 *
 * Whatever the input, the body stays small: the first MAX_PROBLEMS problems
 * and `problemCount`, every message and path truncated (lib/bounded.ts).
 */
import { CommandError, issueDetail, NftError } from '@gatehouse/rules';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { InvalidCursorError } from '../conntrack/table.js';
import { boundParams, boundProblems, MAX_PROBLEMS, truncate } from '../lib/bounded.js';
import { HttpError } from '../lib/errors.js';
import { errForLog } from '../lib/log.js';
import type { ErrorBody } from '../schemas/common.js';

/** Our code for a 4xx that Fastify or a plugin raised, by Fastify code first and status second. */
const BY_FASTIFY_CODE: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_BAD_URL: 'bad_url',
  FST_ERR_MAX_PARAM_LENGTH: 'uri_too_long',
};
const BY_STATUS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  408: 'request_timeout',
  409: 'conflict',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'body_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  428: 'precondition_required',
  429: 'rate_limited',
  431: 'headers_too_large',
};

function clientErrorCode(err: FastifyError, status: number): string {
  const byCode = err.code ? BY_FASTIFY_CODE[err.code] : undefined;
  if (byCode) return byCode;
  // JSON.parse (and secure-json-parse refusing __proto__/constructor keys) throw SyntaxErrors.
  if (status === 400 && err instanceof SyntaxError) return 'invalid_json';
  return BY_STATUS[status] ?? 'bad_request';
}

/** Extra fields of an HttpError (lockout reasons, versions): lists cut to MAX_PROBLEMS, strings truncated. */
function boundExtra(extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    out[key] = Array.isArray(value)
      ? value.slice(0, MAX_PROBLEMS)
      : typeof value === 'string'
        ? truncate(value)
        : value;
  }
  return out;
}

function respond(err: FastifyError): { status: number; body: ErrorBody } {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    return {
      status: 400,
      body: {
        error: 'validation',
        message: 'the request is invalid',
        ...boundProblems(err.validation, (v) => ({
          path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
          message: v.message ?? 'invalid',
          // fastify-type-provider-zod keeps the zod issue's code as `keyword` and the rest in `params`.
          ...issueDetail({ ...(v.params as Record<string, unknown>), code: v.keyword }),
        })),
      },
    };
  }
  if (err instanceof HttpError) {
    return {
      status: err.statusCode,
      body: {
        ...boundExtra(err.extra),
        error: err.code,
        message: truncate(err.message),
        ...(err.params ? { params: boundParams(err.params) } : {}),
        ...(err.problems ? boundProblems(err.problems, (p) => p) : {}),
      },
    };
  }
  if (err instanceof NftError) {
    const object = err.diagnostics.find((d) => d.object)?.object;
    return {
      status: 422,
      body: {
        error: 'nft_rejected',
        message: truncate(err.message),
        ...(object ? { object } : {}),
        diagnostics: err.diagnostics.slice(0, MAX_PROBLEMS).map((d) => ({
          ...d,
          message: truncate(d.message),
          ...(d.source !== undefined ? { source: truncate(d.source) } : {}),
        })),
        problemCount: err.diagnostics.length,
      },
    };
  }
  if (err instanceof InvalidCursorError) {
    const message = truncate(err.message);
    return {
      status: 400,
      body: {
        error: 'validation',
        message,
        problems: [{ path: 'querystring.cursor', message, code: 'invalid_cursor', params: {} }],
        problemCount: 1,
      },
    };
  }
  if (err instanceof CommandError) {
    return {
      status: 502,
      body: { error: 'command_failed', message: 'a system command failed; the server log has the details' },
    };
  }
  const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (!isResponseSerializationError(err) && status >= 400 && status < 500) {
    return { status, body: { error: clientErrorCode(err, status), message: truncate(String(err.message)) } };
  }
  return { status: 500, body: { error: 'internal', message: 'internal error; the server log has the details' } };
}

/**
 * Fastify's router refuses some URLs (bad percent-encoding, a path parameter
 * over maxParamLength) before any hook or error handler runs, and by default
 * echoes the whole URL. Passed as the `frameworkErrors` server option, this
 * answers them like the error handler does (bounded, our codes).
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = respond(err);
  if (status >= 500) req.log.error({ err: errForLog(err) }, 'request failed');
  else req.log.info({ status, error: body.error }, 'request refused');
  reply.code(status).send(body);
}

export default fp(
  async (app) => {
    // Fastify's default joins every validation message into err.message: 400,000 of them for
    // 100,000 empty forwards. The handler reads err.validation instead; the message stays short.
    app.setSchemaErrorFormatter((errors, dataVar) => {
      const first = errors[0];
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      return new Error(truncate(`${dataVar}${first?.instancePath ?? ''} ${first?.message ?? 'invalid'}${more}`));
    });

    app.setErrorHandler((err: FastifyError, req, reply) => {
      const { status, body } = respond(err);
      if (status >= 500) req.log.error({ err: errForLog(err) }, 'request failed');
      else req.log.info({ status, error: body.error }, 'request refused');
      return reply.code(status).send(body);
    });

    app.setNotFoundHandler((req, reply) => {
      reply.code(404).send({
        error: 'not_found',
        message: truncate(`no route for ${req.method} ${req.url.split('?')[0]}`, 300),
      } satisfies ErrorBody);
    });
  },
  { name: 'gatehouse-errors' },
);
