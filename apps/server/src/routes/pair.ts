/**
 * The HA pair as this node sees it: VRRP instances it is MASTER of,
 * conntrackd's sync statistics, the last takeover and bulk sync. Read-only
 * (viewers too); `{ configured: false }` when the model has no pair.
 */
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import { PairStatus } from '../schemas/pair.js';
import { pairStatus } from '../services/ha/pair-status.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/pair',
    {
      schema: {
        tags: ['pair'],
        summary: 'The HA pair from this node: VRRP state per instance, conntrackd sync statistics',
        response: { 200: PairStatus, 401: ErrorBody },
      },
    },
    async () => {
      const dir = app.config.haDir ?? join(app.config.stateDir, 'ha');
      const g = app.gateway;
      return pairStatus(g.revisionModel(g.activeRevision()), app.config.haNode, {
        runner: app.runner,
        interfaces: () => app.gateway.interfaces(),
        paths: { conntrackdConfig: join(dir, 'conntrackd.conf'), notifyLog: join(dir, 'notify.log') },
      });
    },
  );
};

export default routes;
