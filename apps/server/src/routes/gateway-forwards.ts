/**
 * Gateway forwards: public ports forwarded to a service on the gateway itself
 * (the way back in, e.g. 2222 -> ssh on 22). Same contract as /forwards:
 * every response carries the model's version as an ETag, a change sent with
 * If-Match fails with 412 when the model changed since, `?apply=true`
 * applies at once and undoes the change when the apply fails.
 */
import type { GatewayModel } from '@gatehouse/rules';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, Ok, writeErrorResponses } from '../schemas/common.js';
import { DegradedQuery } from '../schemas/gateway.js';
import { GatewayForward, GatewayForwardList } from '../schemas/gateway-settings.js';
import { applyDesiredOrUndo } from '../services/desired-apply.js';
import { operatorOf } from '../services/lockout.js';

const IfMatchHeaders = z.object({ 'if-match': z.string().max(64).optional().describe('ETag of the model you edited') });
const Params = z.object({ id: z.string().min(1).max(40) });
const ApplyQuery = z.object({
  apply: z.enum(['true', 'false']).optional().describe('true: apply the change at once (undone if the apply fails)'),
  degraded: DegradedQuery.shape.degraded,
});
const errors = writeErrorResponses;

/** Model paths of gateway forward `index` become body paths; the rest stay model paths. */
function focusOn(index: number): (p: string) => string {
  const prefix = `gatewayForwards.${index}`;
  return (p) =>
    p === prefix ? 'body' : p.startsWith(`${prefix}.`) ? `body.${p.slice(prefix.length + 1)}` : `model.${p}`;
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  async function applyIfAsked(
    req: FastifyRequest,
    reply: FastifyReply,
    apply: boolean,
    before: GatewayModel,
    afterVersion: number,
  ) {
    if (!apply) return;
    const r = await applyDesiredOrUndo(g, {
      actor: actorOf(req),
      operator: operatorOf(app.config.netns, req.raw.socket),
      degraded: (req.query as { degraded?: string } | undefined)?.degraded === 'true',
      before,
      afterVersion,
      log: req.log,
    });
    reply.header('x-gatehouse-revision', String(r.revision));
    reply.header('x-gatehouse-apply', r.delta ? 'delta' : 'full');
  }

  app.get(
    '/gateway-forwards',
    {
      schema: {
        tags: ['gateway-forwards'],
        summary: 'Gateway forwards: public ports forwarded to services on the gateway itself',
        response: { 200: GatewayForwardList, 401: ErrorBody },
      },
    },
    async (_req, reply) => {
      const d = g.desired();
      reply.header('etag', etag(d.version));
      return { items: d.model.gatewayForwards };
    },
  );

  app.post(
    '/gateway-forwards',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['gateway-forwards'],
        summary: 'Create a gateway forward (checked against the whole model); ?apply=true applies it at once',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: GatewayForward,
        response: { 201: GatewayForward, ...errors },
      },
    },
    async (req, reply) => {
      const before = g.desired();
      const index = before.model.gatewayForwards.length;
      const d = g.updateDesired(
        (m) => {
          m.gatewayForwards.push(req.body);
          return m;
        },
        ifMatch(req.headers),
        actorOf(req),
        'gateway-forward.create',
        `gateway-forward:${req.body.id}`,
        focusOn(index),
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', before.model, d.version);
      reply.code(201).header('etag', etag(d.version));
      return d.model.gatewayForwards[index] ?? req.body;
    },
  );

  app.put(
    '/gateway-forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['gateway-forwards'],
        summary: 'Replace a gateway forward (the id in the body must match); ?apply=true applies it at once',
        params: Params,
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: GatewayForward,
        response: { 200: GatewayForward, ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.body.id !== req.params.id) {
        throw new HttpError(400, 'validation', 'the id cannot change', {
          problems: [{ path: 'body.id', message: `must be ${req.params.id}` }],
        });
      }
      const before = g.desired();
      const index = before.model.gatewayForwards.findIndex((x) => x.id === req.params.id);
      if (index < 0) throw notFound(`gateway forward ${req.params.id}`);
      const d = g.updateDesired(
        (m) => {
          m.gatewayForwards[index] = req.body;
          return m;
        },
        ifMatch(req.headers),
        actorOf(req),
        'gateway-forward.update',
        `gateway-forward:${req.params.id}`,
        focusOn(index),
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', before.model, d.version);
      reply.header('etag', etag(d.version));
      return d.model.gatewayForwards[index] ?? req.body;
    },
  );

  app.delete(
    '/gateway-forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['gateway-forwards'],
        summary: 'Delete a gateway forward; ?apply=true applies it at once',
        params: Params,
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        response: { 200: Ok, ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const before = g.desired();
      if (!before.model.gatewayForwards.some((x) => x.id === req.params.id)) {
        throw notFound(`gateway forward ${req.params.id}`);
      }
      const d = g.updateDesired(
        (m) => {
          m.gatewayForwards = m.gatewayForwards.filter((x) => x.id !== req.params.id);
          return m;
        },
        ifMatch(req.headers),
        actorOf(req),
        'gateway-forward.delete',
        `gateway-forward:${req.params.id}`,
        (p) => (p ? `model.${p}` : 'model'),
      );
      await applyIfAsked(req, reply, req.query.apply === 'true', before.model, d.version);
      reply.header('etag', etag(d.version));
      return { ok: true as const };
    },
  );
};

export default routes;
