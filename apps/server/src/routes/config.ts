/**
 * The desired gateway model: the whole of it (`/config`), and the parts
 * operators edit one at a time (`/forwards`, `/ftp`, `/tftp`). Every response carries
 * the model's version as an ETag; a change sent with If-Match fails with 412
 * when somebody else changed the model since. PUT /config requires If-Match
 * (428 without), so replacing the whole model never overwrites silently.
 * Nothing here touches the kernel: that is /apply.
 */
import { type GatewayModel, NftError } from '@gatehouse/rules';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses, Ok, writeErrorResponses } from '../schemas/common.js';
import {
  DegradedQuery,
  ForwardList,
  FtpHelperPolicy,
  GatewayConfig,
  PortForward,
  TftpHelperPolicy,
} from '../schemas/gateway.js';
import type { ApplyOutcome, ForwardChangeResult } from '../services/gateway.js';
import { operatorOf } from '../services/lockout.js';

const IfMatchHeaders = z.object({ 'if-match': z.string().optional().describe('ETag of the configuration you edited') });
const ForwardParams = z.object({ id: z.string().min(1).max(40) });
const ForwardPageQuery = z.object({
  offset: z.coerce
    .number()
    .int()
    .min(0)
    .optional()
    .describe('first forward of the page (0-based); paging needs offset or limit'),
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('page size (default 100 when paging)'),
});
const ApplyQuery = z.object({
  apply: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: apply the change at once (an element delta where possible)'),
  degraded: DegradedQuery.shape.degraded,
});
/** `?degraded=true`: a pair node whose peer is unreachable applies on itself alone (issue #16). */
const degradedOf = (req: FastifyRequest) => (req.query as { degraded?: string } | undefined)?.degraded === 'true';
/** Problems of the whole model, named relative to the part this request sent when they concern it. */
function focusOn(prefix: string): (modelPath: string) => string {
  return (p) =>
    p === prefix ? 'body' : p.startsWith(`${prefix}.`) ? `body.${p.slice(prefix.length + 1)}` : `model.${p}`;
}

/** A lockout caused by the object this request changed, reported on its field as well. */
function onField(err: HttpError, field: { kind: string; id: string; path: string }): HttpError {
  const lockout = (err.extra.lockout ?? []) as Array<{ reason: string; object?: { kind: string; id: string } }>;
  const mine = lockout.filter((l) => l.object?.kind === field.kind && l.object.id === field.id);
  if (mine.length === 0) return err;
  return new HttpError(err.statusCode, err.code, err.message, {
    problems: mine.map((l) => ({
      path: field.path,
      message: l.reason,
      code: 'lockout',
      params: { kind: field.kind, id: field.id },
    })),
    extra: err.extra,
  });
}

const errors = { ...errorResponses, 412: ErrorBody };

function withEtag<T>(reply: FastifyReply, version: number, body: T): T {
  reply.header('etag', etag(version));
  return body;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.get(
    '/config',
    {
      schema: {
        tags: ['config'],
        summary: 'The whole desired gateway model (ETag: its version)',
        response: { 200: GatewayConfig, 401: ErrorBody },
      },
    },
    async (_req, reply) => {
      const d = g.desired();
      return withEtag(reply, d.version, d.model);
    },
  );

  app.put(
    '/config',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['config'],
        summary:
          'Replace the desired model; needs If-Match with the ETag you edited; ?apply=true applies it at once (undone if the apply fails)',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: GatewayConfig,
        response: { 200: GatewayConfig, ...errors, 409: ErrorBody, 422: ErrorBody, 428: ErrorBody, 502: ErrorBody },
      },
    },
    async (req, reply) => {
      const version = ifMatch(req.headers);
      if (version === undefined) {
        throw new HttpError(
          428,
          'precondition_required',
          'send If-Match with the ETag of the configuration you edited',
        );
      }
      const before = g.desired();
      const d = g.putDesired(req.body, version, actorOf(req), 'config.replace', 'config');
      await applyDesiredIfAsked(req, reply, req.query.apply === 'true', before, d);
      return withEtag(reply, d.version, d.model);
    },
  );

  // --- forwards -------------------------------------------------------------------------
  app.get(
    '/forwards',
    {
      schema: {
        tags: ['forwards'],
        summary: 'Port forwards, all of them or one page (offset, limit) with the total',
        querystring: ForwardPageQuery,
        response: { 200: ForwardList, 401: ErrorBody },
      },
    },
    async (req, reply) => {
      const d = g.desired();
      const all = d.model.forwards;
      if (req.query.limit === undefined && req.query.offset === undefined) {
        return withEtag(reply, d.version, { items: all, total: all.length });
      }
      const offset = req.query.offset ?? 0;
      const items = all.slice(offset, offset + (req.query.limit ?? 100));
      return withEtag(reply, d.version, { items, total: all.length });
    },
  );

  app.get(
    '/forwards/:id',
    {
      schema: {
        tags: ['forwards'],
        summary: 'One port forward',
        params: ForwardParams,
        response: { 200: PortForward, 401: ErrorBody, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const d = g.desired();
      const f = d.model.forwards.find((x) => x.id === req.params.id);
      if (!f) throw notFound(`forward ${req.params.id}`);
      return withEtag(reply, d.version, f);
    },
  );

  /**
   * `?apply=true`: the change and its apply are one: when the apply fails
   * (nft rejects it, the lockout check refuses it, another apply is running),
   * the desired state goes back to what it was, as a new version
   * (services/desired-revert.ts), and the error names the field when it can.
   */
  async function applyOrUndo(
    req: FastifyRequest,
    reply: FastifyReply,
    run: () => Promise<ApplyOutcome>,
    undo: (reason: string) => number | null,
    field?: { kind: string; id: string; path: string },
  ): Promise<void> {
    let outcome: ApplyOutcome;
    try {
      outcome = await run();
    } catch (err) {
      const code = err instanceof HttpError ? err.code : err instanceof NftError ? 'nft_rejected' : 'apply_failed';
      const undone = undo(code);
      req.log.warn(
        { code, undone: undone !== null, version: undone },
        'apply with the change failed; the change was undone',
      );
      if (err instanceof HttpError && err.code === 'lockout' && field) throw onField(err, field);
      throw err;
    }
    reply.header('x-gatehouse-revision', String(outcome.revision.id));
    reply.header('x-gatehouse-apply', outcome.delta ? 'delta' : 'full');
  }

  async function applyIfAsked(req: FastifyRequest, reply: FastifyReply, apply: boolean, c: ForwardChangeResult) {
    if (!apply) return;
    const actor = actorOf(req);
    await applyOrUndo(
      req,
      reply,
      () =>
        g.applyForwardChange(c, {
          actor,
          operator: operatorOf(app.config.netns, req.raw.socket),
          degraded: degradedOf(req),
        }),
      (reason) => g.revertForwardChange(c, actor, reason),
      { kind: 'forward', id: c.change.id, path: 'body.publicPorts' },
    );
  }

  /** `?apply=true` for a change made with putDesired/updateDesired. */
  async function applyDesiredIfAsked(
    req: FastifyRequest,
    reply: FastifyReply,
    apply: boolean,
    before: { model: GatewayModel; version: number },
    after: { version: number },
  ) {
    if (!apply) return;
    const actor = actorOf(req);
    await applyOrUndo(
      req,
      reply,
      () => g.apply({ actor, operator: operatorOf(app.config.netns, req.raw.socket), degraded: degradedOf(req) }),
      (reason) => g.revertDesired(before.model, after.version, actor, reason),
    );
  }

  app.post(
    '/forwards',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary:
          'Create a port forward (validated against the whole model: overlaps, management ports); ?apply=true applies it at once',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: PortForward,
        response: { 201: PortForward, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const fwd = req.body;
      const c = g.changeForward(
        { kind: 'create', id: fwd.id, forward: fwd },
        ifMatch(req.headers),
        actorOf(req),
        (p, i) => focusOn(`forwards.${i}`)(p),
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', c);
      reply.code(201);
      return withEtag(reply, c.version, c.forward ?? fwd);
    },
  );

  app.put(
    '/forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Replace a port forward (the id in the body must match); ?apply=true applies it at once',
        params: ForwardParams,
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: PortForward,
        response: { 200: PortForward, ...writeErrorResponses, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.body.id !== req.params.id) {
        throw new HttpError(400, 'validation', 'the id cannot change', {
          problems: [
            { path: 'body.id', message: `must be ${req.params.id}`, code: 'id.fixed', params: { id: req.params.id } },
          ],
        });
      }
      const c = g.changeForward(
        { kind: 'update', id: req.params.id, forward: req.body },
        ifMatch(req.headers),
        actorOf(req),
        (p, i) => focusOn(`forwards.${i}`)(p),
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', c);
      return withEtag(reply, c.version, c.forward as PortForward);
    },
  );

  app.delete(
    '/forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Delete a port forward; ?apply=true applies it at once',
        params: ForwardParams,
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        response: { 200: Ok, ...writeErrorResponses, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const c = g.changeForward({ kind: 'delete', id: req.params.id }, ifMatch(req.headers), actorOf(req), (p) =>
        p ? `model.${p}` : 'model',
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', c);
      return withEtag(reply, c.version, { ok: true as const });
    },
  );

  // --- FTP helper policy ------------------------------------------------------------------
  app.get(
    '/ftp',
    { schema: { tags: ['ftp'], summary: 'The FTP helper policy', response: { 200: FtpHelperPolicy, 401: ErrorBody } } },
    async (_req, reply) => {
      const d = g.desired();
      return withEtag(reply, d.version, d.model.ftp);
    },
  );

  app.put(
    '/ftp',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['ftp'],
        summary:
          'Set the FTP helper policy (enabled, control ports, servers, passive-only); ?apply=true applies it at once (undone if the apply fails)',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: FtpHelperPolicy,
        response: { 200: FtpHelperPolicy, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const before = g.desired();
      const d = g.updateDesired(
        (m) => {
          m.ftp = req.body;
          return m;
        },
        ifMatch(req.headers),
        actorOf(req),
        'ftp.update',
        'ftp',
        focusOn('ftp'),
      );
      await applyDesiredIfAsked(req, reply, req.query.apply === 'true', before, d);
      return withEtag(reply, d.version, d.model.ftp);
    },
  );

  // --- TFTP helper policy (helpers as a family: same shape as /ftp, without passive-only) ---
  app.get(
    '/tftp',
    {
      schema: { tags: ['ftp'], summary: 'The TFTP helper policy', response: { 200: TftpHelperPolicy, 401: ErrorBody } },
    },
    async (_req, reply) => {
      const d = g.desired();
      return withEtag(reply, d.version, d.model.tftp);
    },
  );

  app.put(
    '/tftp',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['ftp'],
        summary:
          'Set the TFTP helper policy (enabled, ports, servers); ?apply=true applies it at once (undone if the apply fails)',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: TftpHelperPolicy,
        response: { 200: TftpHelperPolicy, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const before = g.desired();
      const d = g.updateDesired(
        (m) => {
          m.tftp = req.body;
          return m;
        },
        ifMatch(req.headers),
        actorOf(req),
        'tftp.update',
        'tftp',
        focusOn('tftp'),
      );
      await applyDesiredIfAsked(req, reply, req.query.apply === 'true', before, d);
      return withEtag(reply, d.version, d.model.tftp);
    },
  );
};

export default routes;
