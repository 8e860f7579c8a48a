/**
 * Where the asking request's own connection arrived: the interface and
 * address the lockout check reasons about (services/lockout/operator.ts), so
 * the UI can warn before the operator changes the role of the interface it
 * is connected through. Read-only.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import { SessionConnection } from '../schemas/gateway-settings.js';
import { operatorFromSocket } from '../services/lockout.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/session/connection',
    {
      schema: {
        tags: ['auth'],
        summary: 'The gateway interface and address this request arrived on (as the lockout check sees it)',
        response: { 200: SessionConnection, 401: ErrorBody },
      },
    },
    async (req) => {
      const c = operatorFromSocket(req.raw.socket);
      return {
        interface: c.interface,
        localAddress: c.localAddress ?? '',
        localPort: c.localPort,
        remoteAddress: c.remoteAddress ?? '',
        governed: !app.config.netns,
      };
    },
  );
};

export default routes;
