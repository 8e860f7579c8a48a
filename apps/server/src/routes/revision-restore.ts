/**
 * "Restore" in History for a revision nft rejected or a rollback undid: its
 * model becomes the desired model again (nothing is loaded), to be fixed and
 * applied anew. Revisions that applied fine are rolled back to (routes/apply.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, IdParam, writeErrorResponses } from '../schemas/common.js';
import { DesiredWriteBody, RevisionRestoreResult } from '../schemas/drift.js';
import { restoreRevisionModel } from '../services/revision-restore.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/revisions/:id/restore',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['revisions'],
        summary:
          'Restore a rejected or rolled-back revision: its model becomes the desired model again (not applied); 409 not_rejected for one that applied fine; If-Match optional',
        params: IdParam,
        headers: z.object({ 'if-match': z.string().max(64).optional() }),
        body: DesiredWriteBody,
        response: { 200: RevisionRestoreResult, ...writeErrorResponses, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const r = restoreRevisionModel(app.gateway, req.params.id, ifMatch(req.headers), actorOf(req));
      reply.header('etag', etag(r.version));
      return r;
    },
  );
};

export default routes;
