/**
 * The dashboard chart's recent past: the server samples what the chart
 * shows (services/metrics-history.ts) from start to close, so a reloaded
 * page is seeded with the last hour and then extended by live events.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import { StatusHistory, StatusHistoryQuery } from '../schemas/history.js';
import { MetricsHistory } from '../services/metrics-history.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const ct = app.conntrack;
  const history = new MetricsHistory(() => ({ flows: ct.table.flows.size, expectations: ct.table.expectations.size }));
  app.addHook('onReady', async () => history.start());
  app.addHook('onClose', async () => history.stop());

  app.get(
    '/status/history',
    {
      schema: {
        tags: ['status'],
        summary: `Flow and expectation counts sampled every ${history.options.intervalMs / 1000} s for the last ${
          (history.options.intervalMs * history.options.capacity) / 60_000
        } minutes, oldest first`,
        querystring: StatusHistoryQuery,
        response: { 200: StatusHistory, 400: ErrorBody, 401: ErrorBody },
      },
    },
    async (req) => ({
      intervalMs: history.options.intervalMs,
      capacity: history.options.capacity,
      samples: history.samples(req.query.since),
    }),
  );
};

export default routes;
