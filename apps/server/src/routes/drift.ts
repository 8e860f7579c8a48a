/**
 * Drift repair by adoption: the hand change read back from the live table
 * and, when the model can say it, made the desired model (then applied as
 * usual). Restoring the applied revision instead is POST /drift/restore
 * (routes/pending.ts).
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses as errors, writeErrorResponses } from '../schemas/common.js';
import { AdoptResult, DesiredWriteBody, DriftAdoption } from '../schemas/drift.js';
import { DriftAdoption as Adoption } from '../services/drift-adopt.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const adoption = new Adoption(app.gateway, app.runner);

  app.get(
    '/drift/adoption',
    {
      schema: {
        tags: ['apply'],
        summary:
          'What adopting the hand change would make the desired model: the live table read back, in plain words, and what the model cannot say',
        response: { 200: DriftAdoption, ...errors, 409: ErrorBody },
      },
    },
    async (_req, reply) => {
      const p = await adoption.preview();
      reply.header('etag', etag(p.desiredVersion));
      return p;
    },
  );

  app.post(
    '/drift/adopt',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          'Adopt the hand change: the live table, read back, becomes the desired model (apply it next); 422 drift_not_adoptable lists what the model cannot say; If-Match optional',
        headers: z.object({ 'if-match': z.string().max(64).optional() }),
        body: DesiredWriteBody,
        response: { 200: AdoptResult, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const r = await adoption.adopt(ifMatch(req.headers), actorOf(req));
      reply.header('etag', etag(r.version));
      return r;
    },
  );
};

export default routes;
