/**
 * The model's settings that are not lists: interface roles, masquerade and
 * the forward filter, read and written together. ETag / If-Match and
 * `?apply=true` as /forwards.
 */
import type { GatewayModel } from '@gatehouse/rules';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, writeErrorResponses } from '../schemas/common.js';
import { DegradedQuery } from '../schemas/gateway.js';
import { GatewaySettings } from '../schemas/gateway-settings.js';
import { applyDesiredOrUndo } from '../services/desired-apply.js';
import { operatorOf } from '../services/lockout.js';

const IfMatchHeaders = z.object({ 'if-match': z.string().max(64).optional().describe('ETag of the model you edited') });
const ApplyQuery = z.object({
  apply: z.enum(['true', 'false']).optional().describe('true: apply the change at once (undone if the apply fails)'),
  degraded: DegradedQuery.shape.degraded,
});
const SECTIONS = ['interfaces', 'masquerade', 'filter', 'reflection'] as const;

/** `interfaces.lan.1` stays a body path; problems elsewhere in the model are model paths. */
const focus = (p: string) => (SECTIONS.some((s) => p === s || p.startsWith(`${s}.`)) ? `body.${p}` : `model.${p}`);

/** The settings part of a model; reflection only once set (absent: off). */
const settingsOf = (m: GatewayModel) => ({
  interfaces: m.interfaces,
  masquerade: m.masquerade,
  filter: m.filter,
  ...(m.reflection ? { reflection: m.reflection } : {}),
});

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.get(
    '/gateway-settings',
    {
      schema: {
        tags: ['config'],
        summary: 'Interface roles, masquerade, the forward filter and NAT reflection of the desired model',
        response: { 200: GatewaySettings, 401: ErrorBody },
      },
    },
    async (_req, reply) => {
      const d = g.desired();
      reply.header('etag', etag(d.version));
      return settingsOf(d.model);
    },
  );

  app.put(
    '/gateway-settings',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['config'],
        summary:
          'Set interface roles, masquerade, the forward filter and NAT reflection; ?apply=true applies at once (undone if the apply fails)',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: GatewaySettings,
        response: { 200: GatewaySettings, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const before = g.desired();
      const d = g.updateDesired(
        (m) => ({ ...m, ...req.body }),
        ifMatch(req.headers),
        actorOf(req),
        'settings.update',
        'settings',
        focus,
      );
      if (req.query.apply === 'true') {
        const r = await applyDesiredOrUndo(g, {
          actor: actorOf(req),
          operator: operatorOf(app.config.netns, req.raw.socket),
          degraded: req.query.degraded === 'true',
          before: before.model,
          afterVersion: d.version,
          log: req.log,
        });
        reply.header('x-gatehouse-revision', String(r.revision));
        reply.header('x-gatehouse-apply', r.delta ? 'delta' : 'full');
      }
      reply.header('etag', etag(d.version));
      return settingsOf(d.model);
    },
  );
};

export default routes;
