/**
 * Adopting a gateway configured by something else (firewall4, firewalld,
 * iptables-nft, by hand): read its live ruleset and propose the equivalent
 * Gatehouse model (a preview: notes, equivalence report, the tables read),
 * adopt it, optionally retiring the tables it was read from in the same nft
 * transaction as the first apply (services/gateway/takeover.ts), and see or
 * cancel that pending takeover. Each handler calls one service.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses as errors, writeErrorResponses } from '../schemas/common.js';
import { DegradedQuery } from '../schemas/gateway.js';
import {
  ImportAdoptBody,
  ImportAdoptQuery,
  ImportAdoptResult,
  ImportProposal,
  PendingTakeover,
} from '../schemas/import.js';
import { adoptImport } from '../services/import-adopt.js';
import { buildProposal } from '../services/import-proposal.js';
import { operatorOf } from '../services/lockout.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.get(
    '/import/proposal',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary:
          'Propose a model from the live ruleset (nft -j list ruleset, ip -j addr): summary, grouped notes, equivalence report, tables read, its script and diff against the desired state',
        response: { 200: ImportProposal, ...errors, 502: ErrorBody },
      },
    },
    async (_req, reply) => {
      const view = await buildProposal(g, app.runner, app.log);
      reply.header('etag', etag(view.desiredVersion));
      return view;
    },
  );

  app.post(
    '/import/adopt',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary:
          'Make a (reviewed) proposal the desired model, with the tables to retire at the next apply (same nft transaction); needs If-Match with the ETag of the proposal; ?apply=true applies at once',
        headers: z.object({ 'if-match': z.string().max(64).optional() }),
        querystring: ImportAdoptQuery.extend({ degraded: DegradedQuery.shape.degraded }),
        body: ImportAdoptBody,
        response: { 200: ImportAdoptResult, ...writeErrorResponses, 428: ErrorBody },
      },
    },
    async (req, reply) => {
      const version = ifMatch(req.headers);
      if (version === undefined) {
        throw new HttpError(428, 'precondition_required', 'send If-Match with the ETag of the proposal you reviewed');
      }
      const r = await adoptImport(g, app.runner, req.log, {
        body: req.body,
        ifVersion: version,
        actor: actorOf(req),
        apply: req.query.apply === 'true',
        degraded: req.query.degraded === 'true',
        operator: operatorOf(app.config.netns, req.raw.socket),
      });
      reply.header('etag', etag(r.desired.version));
      return { model: r.desired.model, version: r.desired.version, retire: r.retire, revision: r.revision };
    },
  );

  app.get(
    '/import/takeover',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary: 'The tables the next apply retires (chosen when an import was adopted)',
        response: { 200: PendingTakeover, ...errors },
      },
    },
    async () => ({ pending: g.takeover.pending() }),
  );

  app.delete(
    '/import/takeover',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary: 'Retire nothing at the next apply (the desired model stays as adopted)',
        response: { 200: PendingTakeover, ...errors },
      },
    },
    async (req) => {
      g.takeover.cancel(actorOf(req));
      return { pending: g.takeover.pending() };
    },
  );
};

export default routes;
