/**
 * The one error handler. Validation problems become 400 with the field path
 * of each; nft rejecting a ruleset becomes 422 naming the model object the
 * offending line came from; errors we raise on purpose keep their status.
 * Anything else is a 5xx with a fixed message: no stack, no command line, no
 * stderr reaches the client (the log has them).
 */
import { CommandError, NftError } from '@gatehouse/rules';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { InvalidCursorError } from '../conntrack/table.js';
import { HttpError } from '../lib/errors.js';
import type { ErrorBody } from '../schemas/common.js';

export default fp(
  async (app) => {
    app.setErrorHandler((err: FastifyError, req, reply) => {
      let status: number;
      let body: ErrorBody;
      if (hasZodFastifySchemaValidationErrors(err)) {
        const where = err.validationContext ?? 'body';
        status = 400;
        body = {
          error: 'validation',
          message: 'the request is invalid',
          problems: err.validation.map((v) => ({
            path: [where, ...v.instancePath.split('/').filter(Boolean)].join('.'),
            message: v.message ?? 'invalid',
          })),
        };
      } else if (err instanceof HttpError) {
        status = err.statusCode;
        body = {
          error: err.code,
          message: err.message,
          ...(err.problems ? { problems: err.problems } : {}),
          ...err.extra,
        };
      } else if (err instanceof NftError) {
        status = 422;
        const object = err.diagnostics.find((d) => d.object)?.object;
        body = {
          error: 'nft_rejected',
          message: err.message,
          ...(object ? { object } : {}),
          diagnostics: err.diagnostics,
        };
      } else if (err instanceof InvalidCursorError) {
        status = 400;
        body = {
          error: 'validation',
          message: err.message,
          problems: [{ path: 'querystring.cursor', message: err.message }],
        };
      } else if (err instanceof CommandError) {
        status = 502;
        body = { error: 'command_failed', message: 'a system command failed; the server log has the details' };
      } else if (isResponseSerializationError(err)) {
        status = 500;
        body = { error: 'internal', message: 'internal error; the server log has the details' };
      } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
        status = err.statusCode;
        body = { error: err.code ? err.code.toLowerCase() : 'bad_request', message: err.message };
      } else {
        status = 500;
        body = { error: 'internal', message: 'internal error; the server log has the details' };
      }
      if (status >= 500) req.log.error({ err }, 'request failed');
      else req.log.info({ status, error: body.error }, 'request refused');
      return reply.code(status).send(body);
    });

    app.setNotFoundHandler((req, reply) => {
      reply.code(404).send({
        error: 'not_found',
        message: `no route for ${req.method} ${req.url.split('?')[0]}`,
      } satisfies ErrorBody);
    });
  },
  { name: 'gatehouse-errors' },
);
