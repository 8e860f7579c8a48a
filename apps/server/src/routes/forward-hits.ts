/**
 * Hit totals per forward, accumulated across applies (services/forward-hits.ts):
 * reading them first adds what the kernel counted since the last read.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import { ForwardHitList } from '../schemas/forwards-bulk.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/forwards/hits',
    {
      schema: {
        tags: ['forwards'],
        summary: 'Packets and bytes per forward since it was first counted, kept across applies',
        response: { 200: ForwardHitList, 401: ErrorBody },
      },
    },
    async () => {
      const rows = await app.gateway.forwardHits.read();
      return {
        items: rows.map((r) => ({ forwardId: r.forwardId, packets: r.packets, bytes: r.bytes, since: r.since })),
      };
    },
  );
};

export default routes;
