/** Prometheus scrape endpoint: any session or token (viewer is enough). */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['status'],
        summary:
          'Prometheus metrics (text exposition format): flows, expectations, applies, rollbacks, apply duration, resyncs, drift',
        produces: ['text/plain'],
      },
    },
    async (_req, reply) => {
      const text = await app.metrics.metrics();
      return reply.type(app.metrics.contentType).send(text);
    },
  );
};

export default routes;
