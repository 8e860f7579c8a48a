/**
 * preview -> apply -> (confirm), and the revisions an apply leaves behind.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { actorOf } from '../plugins/auth.js';
import { PageQuery } from '../schemas/auth.js';
import { applyErrorResponses, ErrorBody, errorResponses as errors, IdParam } from '../schemas/common.js';
import {
  ApplyBody,
  ApplyResult,
  ConfirmBody,
  DegradedQuery,
  PendingConfirmation,
  Preview,
  Revision,
  RevisionPage,
  RevisionSummary,
  RollbackBody,
} from '../schemas/gateway.js';
import { pendingView, revisionSummary } from '../schemas/mappers/gateway.js';
import type { ApplyOutcome } from '../services/gateway.js';
import { ConnectionAges } from '../services/lockout/fresh-connections.js';
import { operatorOf } from '../services/lockout.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;
  const ages = new ConnectionAges();
  /** The connection this request came through, for the lockout check (see services/lockout/operator.ts). */
  const operator = (req: FastifyRequest) => operatorOf(app.config.netns, req.raw.socket);
  /** The options of an apply (or a rollback's apply) from its body and the request's actor and connection. */
  const applyOptions = (
    req: FastifyRequest,
    body: z.infer<typeof ApplyBody>,
    query: z.infer<typeof DegradedQuery>,
  ) => ({
    actor: actorOf(req),
    confirmWithinSeconds: body.confirmWithinSeconds,
    force: body.force,
    comment: body.comment,
    operator: operator(req),
    degraded: query.degraded === 'true',
  });
  ages.watch(app.server);
  // While a provisional apply waits, a connection opened before it closes after
  // its current reply: a browser keeps reusing a busy kept-alive socket (status
  // polls), and its reconnect confirm would then never get a new connection.
  app.server.on('request', (req, res) => {
    const pending = g.pending();
    if (pending && !ages.acceptedAfterApply(req.socket, pending.revisionId)) res.setHeader('connection', 'close');
  });
  const result = (o: ApplyOutcome, reply: FastifyReply) => {
    if (o.pending) {
      // A provisional apply is confirmed over a new connection (see
      // fresh-connections.ts): this one closes after the reply, and so does
      // every idle kept-alive one, whose NAT mapping conntrack would keep.
      ages.markApplied(o.pending.revisionId);
      reply.header('connection', 'close');
      reply.raw.once('finish', () => setImmediate(() => app.server.closeIdleConnections?.()));
    }
    return {
      revision: revisionSummary(o.revision, o.activeRevisionId),
      pending: pendingView(o.pending),
      durationMs: Math.round(o.durationMs),
      natFtp: o.natFtp?.state ?? null,
    };
  };

  app.get(
    '/preview',
    {
      schema: {
        tags: ['apply'],
        summary:
          'The script an apply would load, its diff against the applied revision, live drift and lockout problems',
        response: { 200: Preview, ...errors },
      },
    },
    async (req) => g.preview(operator(req)),
  );

  app.post(
    '/apply',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          'Apply the desired model (provisionally with confirmWithinSeconds); 409 while another apply runs; on a pair node on both nodes or neither (409 pair_degraded, pair_peer_refused)',
        querystring: DegradedQuery,
        body: ApplyBody,
        response: { 200: ApplyResult, ...applyErrorResponses },
      },
    },
    async (req, reply) => result(await g.apply(applyOptions(req, req.body, req.query)), reply),
  );

  app.get(
    '/apply/pending',
    {
      schema: {
        tags: ['apply'],
        summary: 'The provisional apply waiting for confirmation, if any',
        response: { 200: z.object({ pending: PendingConfirmation.nullable() }), ...errors },
      },
    },
    async () => ({ pending: pendingView(g.pending()) }),
  );

  app.post(
    '/apply/confirm',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          "Keep the provisional apply (stops the automatic rollback); with reconnect: true only over a connection opened after it; on a pair node the peer's copy first",
        querystring: DegradedQuery,
        body: ConfirmBody,
        response: { 200: z.object({ revision: RevisionSummary }), ...errors, 409: ErrorBody },
      },
    },
    async (req) => {
      const pending = g.pending();
      if (req.body?.reconnect && pending && !ages.acceptedAfterApply(req.raw.socket, pending.revisionId)) {
        throw new HttpError(
          409,
          'confirm_needs_new_connection',
          'this confirmation came over a connection opened before the provisional apply, which proves nothing about new connections; confirm over a new connection',
          { extra: { revisionId: pending.revisionId } },
        );
      }
      const revision = await g.confirmPaired(actorOf(req), { degraded: req.query.degraded === 'true' });
      return { revision: revisionSummary(revision, g.activeRevision()?.id ?? null) };
    },
  );

  app.get(
    '/revisions',
    {
      schema: {
        tags: ['revisions'],
        summary: 'Applied states, newest first',
        querystring: PageQuery,
        response: { 200: RevisionPage, ...errors },
      },
    },
    async (req) => {
      const rows = g.listRevisions(req.query.limit + 1, req.query.before);
      const more = rows.length > req.query.limit;
      const page = rows.slice(0, req.query.limit);
      const active = g.activeRevision()?.id ?? null;
      return {
        items: page.map((r) => revisionSummary(r, active)),
        nextCursor: more ? (page[page.length - 1]?.id ?? null) : null,
      };
    },
  );

  app.get(
    '/revisions/:id',
    {
      schema: {
        tags: ['revisions'],
        summary: 'One revision with its model, script and diff to its predecessor',
        params: IdParam,
        response: { 200: Revision, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const r = g.revision(req.params.id);
      if (!r) throw notFound(`revision ${req.params.id}`);
      return {
        ...revisionSummary(r, g.activeRevision()?.id ?? null),
        model: g.revisionModel(r),
        script: g.scriptOf(r),
        diff: g.revisionDiff(r),
      };
    },
  );

  app.post(
    '/revisions/:id/rollback',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['revisions'],
        summary: 'Apply an old revision again (as a new revision); it also becomes the desired model',
        params: IdParam,
        querystring: DegradedQuery,
        body: RollbackBody,
        response: { 200: ApplyResult, ...applyErrorResponses },
      },
    },
    async (req, reply) => result(await g.rollbackTo(req.params.id, applyOptions(req, req.body, req.query)), reply),
  );
};

export default routes;
