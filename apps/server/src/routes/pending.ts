/**
 * The daily workflow around the apply path: what is pending in plain words,
 * discarding it, rolling a provisional apply back now, repairing drift by
 * loading the active revision again, and comparing a revision with the live one.
 */
import type { GatewayModel } from '@gatehouse/rules';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { applyErrorResponses, ErrorBody, errorResponses as errors, IdParam } from '../schemas/common.js';
import { DegradedQuery } from '../schemas/gateway.js';
import {
  DiscardBody,
  DiscardResult,
  PendingSummary,
  RestoreBody,
  RestoreResult,
  RevisionCompare,
} from '../schemas/pending.js';
import { diffScripts } from '../services/gateway/revisions.js';
import { summarizeChange } from '../services/gateway/summary.js';

const sameModel = (a: GatewayModel | null, b: GatewayModel | null) => JSON.stringify(a) === JSON.stringify(b);

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  /** The provisional revision the last rollback undid, when the desired model still holds its change. */
  const lastRejected = (desired: GatewayModel) => {
    const recent = g.listRevisions(5);
    const restore = recent[0];
    if (!restore || (restore.kind !== 'auto-rollback' && restore.kind !== 'rollback') || !restore.comment) return null;
    const undone = recent.find((r) => r.status === 'rolled-back' && r.id < restore.id);
    if (!undone || !sameModel(g.revisionModel(undone), desired)) return null;
    return { revisionId: undone.id, kind: restore.kind, at: restore.createdAt };
  };

  app.get(
    '/pending',
    {
      schema: {
        tags: ['apply'],
        summary:
          'What an apply would change, in plain words, and the change the last rollback undid if it is still desired',
        response: { 200: PendingSummary, ...errors },
      },
    },
    async (_req, reply) => {
      const desired = g.desired();
      const active = g.activeRevision();
      const changed = g.desiredDiffersFromApplied();
      reply.header('etag', etag(desired.version));
      return {
        changed,
        appliedRevision: active?.id ?? null,
        desiredVersion: desired.version,
        sentences: changed ? summarizeChange(g.revisionModel(active), desired.model) : [],
        lastRejected: changed ? lastRejected(desired.model) : null,
      };
    },
  );

  app.post(
    '/pending/discard',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          "Discard the pending changes: the desired model becomes the active revision's again (a new version); If-Match optional",
        headers: z.object({ 'if-match': z.string().max(64).optional() }),
        body: DiscardBody,
        response: { 200: DiscardResult, ...errors, 409: ErrorBody, 412: ErrorBody },
      },
    },
    async (req, reply) => {
      const active = g.activeRevision();
      const model = g.revisionModel(active);
      if (!active || !model)
        throw new HttpError(409, 'nothing_applied', 'nothing has been applied yet: there is nothing to go back to');
      const changed = g.desiredDiffersFromApplied();
      const d = changed
        ? g.putDesired(model, ifMatch(req.headers), actorOf(req), 'config.discard', 'config', (p) =>
            p ? `model.${p}` : 'model',
          )
        : g.desired();
      // A takeover adopted with the discarded model is a pending change too: nothing is retired.
      const retired = g.takeover.cancel(actorOf(req)).length > 0;
      reply.header('etag', etag(d.version));
      return { version: d.version, changed: changed || retired };
    },
  );

  app.post(
    '/apply/rollback-now',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          'Undo the provisional apply now instead of at its deadline: the revision before it is loaded again; the desired model keeps the change',
        querystring: DegradedQuery,
        body: RestoreBody,
        response: { 200: RestoreResult, ...applyErrorResponses },
      },
    },
    async (req) => {
      const r = await g.rollBackNow(actorOf(req), { degraded: req.query.degraded === 'true' });
      return { revisionId: r?.id ?? null, restoredFrom: r?.restoredFrom ?? null };
    },
  );

  app.post(
    '/drift/restore',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['apply'],
        summary:
          'Repair drift: load the active revision again (as a new revision restored from it), whatever the live table holds',
        querystring: DegradedQuery,
        body: RestoreBody,
        response: { 200: RestoreResult, ...applyErrorResponses },
      },
    },
    async (req) => {
      // Drift repair is this node's alone: `degraded` is accepted, and nothing needs the peer.
      const r = await g.restoreActive(actorOf(req));
      void g.checkDrift();
      return { revisionId: r?.id ?? null, restoredFrom: r?.restoredFrom ?? null };
    },
  );

  app.get(
    '/revisions/:id/compare',
    {
      schema: {
        tags: ['revisions'],
        summary:
          "What rolling back to this revision would change: its script against the live revision's, in plain words too",
        params: IdParam,
        response: { 200: RevisionCompare, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const r = g.revision(req.params.id);
      if (!r) throw notFound(`revision ${req.params.id}`);
      const active = g.activeRevision();
      const model = g.revisionModel(r);
      const current = g.revisionModel(active);
      return {
        revisionId: r.id,
        currentRevisionId: active?.id ?? null,
        diff: diffScripts(
          g.scriptOf(active),
          g.scriptOf(r),
          active ? `revision ${active.id} (live)` : 'nothing applied',
          `revision ${r.id}`,
        ),
        sentences: summarizeChange(current, model),
        restorable: model !== null && r.status !== 'applying',
      };
    },
  );
};

export default routes;
