/**
 * The HA pair as this node sees it: VRRP instances it is MASTER of,
 * conntrackd's sync statistics, the last takeover and bulk sync. Read-only
 * (viewers too); `{ configured: false }` when the model has no pair.
 * POST /pair/failover and /pair/resume (admin): this node gives the virtual
 * addresses up by holding its keepalived down, and takes part again
 * (services/ha/failover.ts).
 */
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses } from '../schemas/common.js';
import { PairStatus } from '../schemas/pair.js';
import { PairFailoverBody, PairFailoverResult, PairResumeResult } from '../schemas/pair-failover.js';
import { PairFailover } from '../services/ha/failover.js';
import { pairStatus } from '../services/ha/pair-status.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/pair',
    {
      schema: {
        tags: ['pair'],
        summary:
          'The HA pair from this node: VRRP state per instance, conntrackd sync statistics, the peer (reachable, its revision, in sync) and whether the pair is degraded',
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
        peerState: () => g.peerState(),
        heldByHand: () => app.haEngines?.keepalivedHeld ?? false,
      });
    },
  );

  const failover = new PairFailover({
    node: app.config.haNode,
    engines: app.haEngines,
    model: () => app.gateway.revisionModel(app.gateway.activeRevision()),
    interfaces: () => app.gateway.interfaces(),
    hub: app.hub,
    audit: app.store.audit,
  });
  const changeErrors = { ...errorResponses, 409: ErrorBody, 502: ErrorBody };

  app.post(
    '/pair/failover',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['pair'],
        summary:
          'Fail over by hand: this node stops its keepalived, so the peer takes the virtual addresses (409 not_master when this node holds none)',
        body: PairFailoverBody,
        response: { 200: PairFailoverResult, ...changeErrors },
      },
    },
    async (req) => failover.failover(actorOf(req), req.body?.comment),
  );

  app.post(
    '/pair/resume',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['pair'],
        summary:
          'Take part in the pair again after a failover by hand: keepalived starts on the config already written',
        body: PairFailoverBody,
        response: { 200: PairResumeResult, ...changeErrors },
      },
    },
    async (req) => failover.resume(actorOf(req), req.body?.comment),
  );
};

export default routes;
