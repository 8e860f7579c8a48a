/**
 * Bulk actions on the forward list: enable, disable or delete many forwards
 * as one new version of the desired model (If-Match/ETag as the forward
 * routes). `?apply=true` applies it at once; when that apply fails the
 * change is undone as a new version, as the forward routes do. On a pair
 * node whose peer is unreachable, `&degraded=true` applies it here alone.
 */
import type { GatewayModel } from '@gatehouse/rules';
import { NftError } from '@gatehouse/rules';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { writeErrorResponses } from '../schemas/common.js';
import { ForwardBulkBody, ForwardBulkResult } from '../schemas/forwards-bulk.js';
import { DegradedQuery } from '../schemas/gateway.js';
import { operatorOf } from '../services/lockout.js';

const IfMatchHeaders = z.object({ 'if-match': z.string().optional().describe('ETag of the configuration you edited') });
const ApplyQuery = z.object({
  apply: z.enum(['true', 'false']).optional().describe('true: apply the change at once (undone if the apply fails)'),
  degraded: DegradedQuery.shape.degraded,
});

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.post(
    '/forwards/bulk',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary:
          'Enable, disable or delete many forwards as one change; problems name the ids (body.ids.N); ?apply=true applies it at once',
        headers: IfMatchHeaders,
        querystring: ApplyQuery,
        body: ForwardBulkBody,
        response: { 200: ForwardBulkResult, ...writeErrorResponses },
      },
    },
    async (req, reply) => {
      const { action, ids } = req.body;
      const before = g.desired();
      const known = new Set(before.model.forwards.map((f) => f.id));
      const problems = ids.flatMap((id, i) => {
        const path = `body.ids.${i}`;
        if (!known.has(id)) return [{ path, message: `no forward "${id}"`, code: 'forward.unknown', params: { id } }];
        return ids.indexOf(id) !== i
          ? [{ path, message: `"${id}" is named twice`, code: 'ids.twice', params: { id } }]
          : [];
      });
      if (problems.length > 0) {
        throw new HttpError(400, 'validation', 'some ids do not name a forward', { problems });
      }
      const chosen = new Set(ids);
      let after: GatewayModel['forwards'] = [];
      let changed = 0;
      const d = g.updateDesired(
        (model) => {
          if (action === 'delete') {
            after = model.forwards.filter((f) => !chosen.has(f.id));
            changed = model.forwards.length - after.length;
          } else {
            const enabled = action === 'enable';
            after = model.forwards.map((f) => {
              if (!chosen.has(f.id) || f.enabled === enabled) return f;
              changed++;
              return { ...f, enabled };
            });
          }
          return { ...model, forwards: after };
        },
        ifMatch(req.headers),
        actorOf(req),
        `forward.bulk-${action}`,
        'forwards',
        (p) => {
          // A problem of forward N of the result is named by the id it has in the request.
          const m = /^forwards\.(\d+)(?:\.|$)/.exec(p);
          const id = m ? after[Number(m[1])]?.id : undefined;
          const at = id === undefined ? -1 : ids.indexOf(id);
          return at >= 0 ? `body.ids.${at}` : `model.${p}`;
        },
      );
      if (req.query.apply === 'true') {
        const actor = actorOf(req);
        try {
          const outcome = await g.apply({
            actor,
            operator: operatorOf(app.config.netns, req.raw.socket),
            degraded: req.query.degraded === 'true',
          });
          reply.header('x-gatehouse-revision', String(outcome.revision.id));
          reply.header('x-gatehouse-apply', 'full');
        } catch (err) {
          const code = err instanceof HttpError ? err.code : err instanceof NftError ? 'nft_rejected' : 'apply_failed';
          const undone = g.revertDesired(before.model, d.version, actor, code);
          req.log.warn({ code, undone: undone !== null }, 'bulk change with apply failed; the change was undone');
          if (undone !== null) reply.header('etag', etag(undone));
          throw err;
        }
      }
      reply.header('etag', etag(d.version));
      return { action, changed, total: after.length };
    },
  );
};

export default routes;
