/**
 * preview -> apply -> (confirm), and the revisions an apply leaves behind.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { actorOf } from '../plugins/auth.js';
import { PageQuery } from '../schemas/auth.js';
import { ErrorBody, IdParam } from '../schemas/common.js';
import {
  ApplyBody,
  ApplyResult,
  ConfirmBody,
  PendingConfirmation,
  Preview,
  Revision,
  RevisionPage,
  RevisionSummary,
  RollbackBody,
} from '../schemas/gateway.js';
import type { ApplyOutcome } from '../services/gateway.js';
import { ConnectionAges } from '../services/lockout/fresh-connections.js';
import { type OperatorConnection, operatorOf as operatorOfSocket } from '../services/lockout.js';
import type { PendingConfirmation as PendingRecord, RevisionRecord } from '../store/store.js';

/** The connection this request came through, for the lockout check (see services/lockout/operator.ts). */
export function operatorOf(app: FastifyInstance, req: FastifyRequest): OperatorConnection | null {
  return operatorOfSocket(app.config.netns, req.raw.socket);
}

export function revisionSummary(r: RevisionRecord, activeId: number | null): z.infer<typeof RevisionSummary> {
  return {
    id: r.id,
    parentId: r.parentId,
    author: r.author,
    createdAt: r.createdAt,
    kind: r.kind,
    status: r.status,
    comment: r.comment,
    restoredFrom: r.restoredFrom,
    active: r.id === activeId,
  };
}

export function pendingView(p: PendingRecord | null): z.infer<typeof PendingConfirmation> | null {
  return p
    ? {
        revisionId: p.revisionId,
        previousRevisionId: p.previousRevisionId,
        deadline: new Date(p.deadline).toISOString(),
        secondsLeft: Math.max(0, Math.ceil((p.deadline - Date.now()) / 1000)),
      }
    : null;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const applyErrors = { ...errors, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 502: ErrorBody };

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;
  const ages = new ConnectionAges();
  ages.watch(app.server);
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
      revision: revisionSummary(o.revision, app.store.activeRevisionId()),
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
    async (req) => g.preview(operatorOf(app, req)),
  );

  app.post(
    '/apply',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary: 'Apply the desired model (provisionally with confirmWithinSeconds); 409 while another apply runs',
        body: ApplyBody,
        response: { 200: ApplyResult, ...applyErrors },
      },
    },
    async (req, reply) =>
      result(
        await g.apply({
          actor: actorOf(req),
          confirmWithinSeconds: req.body.confirmWithinSeconds,
          force: req.body.force,
          comment: req.body.comment,
          operator: operatorOf(app, req),
        }),
        reply,
      ),
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
    async () => ({ pending: pendingView(app.store.getPending() ?? null) }),
  );

  app.post(
    '/apply/confirm',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          'Keep the provisional apply (stops the automatic rollback); with reconnect: true only over a connection opened after it',
        body: ConfirmBody,
        response: { 200: z.object({ revision: RevisionSummary }), ...errors, 409: ErrorBody },
      },
    },
    async (req) => {
      const pending = app.store.getPending();
      if (req.body?.reconnect && pending && !ages.acceptedAfterApply(req.raw.socket, pending.revisionId)) {
        throw new HttpError(
          409,
          'confirm_needs_new_connection',
          'this confirmation came over a connection opened before the provisional apply, which proves nothing about new connections; confirm over a new connection',
          { extra: { revisionId: pending.revisionId } },
        );
      }
      return { revision: revisionSummary(g.confirm(actorOf(req)), app.store.activeRevisionId()) };
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
      const rows = app.store.listRevisions(req.query.limit + 1, req.query.before);
      const more = rows.length > req.query.limit;
      const page = rows.slice(0, req.query.limit);
      const active = app.store.activeRevisionId();
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
      const r = app.store.getRevision(req.params.id);
      if (!r) throw notFound(`revision ${req.params.id}`);
      return {
        ...revisionSummary(r, app.store.activeRevisionId()),
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
        body: RollbackBody,
        response: { 200: ApplyResult, ...applyErrors },
      },
    },
    async (req, reply) =>
      result(
        await g.rollbackTo(req.params.id, {
          actor: actorOf(req),
          confirmWithinSeconds: req.body.confirmWithinSeconds,
          force: req.body.force,
          comment: req.body.comment,
          operator: operatorOf(app, req),
        }),
        reply,
      ),
  );
};

export default routes;
