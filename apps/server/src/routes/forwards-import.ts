/**
 * Importing forwards from JSON (what the forward list exports): merged by id
 * into the list, or replacing it, as one new version of the desired model,
 * validated as a whole; problems name the imported entry (body.forwards.N.field).
 */
import type { PortForward } from '@gatehouse/rules';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses } from '../schemas/common.js';
import { ForwardImportBody, ForwardImportResult } from '../schemas/forwards-bulk.js';

const IfMatchHeaders = z.object({ 'if-match': z.string().optional().describe('ETag of the configuration you edited') });

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.post(
    '/forwards/import',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Import forwards (an exported list): mode merge (by id) or replace; one change, validated as a whole',
        headers: IfMatchHeaders,
        body: ForwardImportBody,
        response: { 200: ForwardImportResult, ...errorResponses, 412: ErrorBody },
      },
    },
    async (req, reply) => {
      const { mode, forwards } = req.body;
      /** Where each forward of the result came from in the request, when it did. */
      let origin: Array<number | undefined> = [];
      const counts = { added: 0, replaced: 0, removed: 0, total: 0 };
      const d = g.updateDesired(
        (model) => {
          const incoming = new Map(forwards.map((f, i) => [f.id, i]));
          let next: PortForward[];
          if (mode === 'replace') {
            const kept = new Set(forwards.map((f) => f.id));
            counts.removed = model.forwards.filter((f) => !kept.has(f.id)).length;
            counts.replaced = model.forwards.length - counts.removed;
            counts.added = forwards.length - counts.replaced;
            next = forwards.slice();
            origin = forwards.map((_, i) => i);
          } else {
            const seen = new Set<string>();
            next = model.forwards.map((f) => {
              const i = incoming.get(f.id);
              if (i === undefined) return f;
              seen.add(f.id);
              counts.replaced++;
              return forwards[i] as PortForward;
            });
            origin = model.forwards.map((f) => incoming.get(f.id));
            forwards.forEach((f, i) => {
              if (seen.has(f.id)) return;
              next.push(f);
              origin.push(i);
              counts.added++;
            });
          }
          counts.total = next.length;
          return { ...model, forwards: next };
        },
        ifMatch(req.headers),
        actorOf(req),
        `forward.import-${mode}`,
        'forwards',
        (p) => {
          const m = /^forwards\.(\d+)(\..*)?$/.exec(p);
          const i = m ? origin[Number(m[1])] : undefined;
          return i === undefined ? `model.${p}` : `body.forwards.${i}${m?.[2] ?? ''}`;
        },
      );
      reply.header('etag', etag(d.version));
      return counts;
    },
  );
};

export default routes;
