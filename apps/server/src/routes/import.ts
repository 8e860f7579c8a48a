/**
 * Adopting a gateway that was set up by hand: read its live ruleset, propose
 * the equivalent Gatehouse model (proposeModel), and show what that model
 * compiles to and how it differs from the desired state, as a preview.
 * Adopting the proposal changes only the desired state; the operator applies
 * as usual (preview, apply, confirm). The hand-written tables are never
 * touched here: once the Gatehouse table is applied they would NAT the same
 * traffic twice, so the operator removes them (`nft delete table ip my_nat`).
 */
import { compile, proposeModel, validateModel } from '@gatehouse/rules';
import { createTwoFilesPatch } from 'diff';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import { etag, ifMatch } from '../lib/etag.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses as errors } from '../schemas/common.js';
import { ImportAdoptBody, ImportAdoptResult, ImportProposal } from '../schemas/import.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  const g = app.gateway;

  app.get(
    '/import/proposal',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary:
          'Propose a model from the live ruleset (nft -j list ruleset, ip -j addr), with its script and its diff against the desired state',
        response: { 200: ImportProposal, ...errors, 502: ErrorBody },
      },
    },
    async (_req, reply) => {
      const listing = await app.runner.run('nft', ['-j', 'list', 'ruleset'], { reject: false });
      if (listing.exitCode !== 0) {
        app.log.warn({ stderr: listing.stderr }, 'nft -j list ruleset failed');
        throw new HttpError(502, 'nft_failed', 'could not read the live ruleset (nft -j list ruleset)');
      }
      const interfaces = (await g.interfaces()).map((i) => ({
        name: i.name,
        prefixes: i.addresses.filter((a) => !a.includes(':')),
      }));
      const desired = g.desired();
      const proposal = proposeModel(JSON.parse(listing.stdout || '{}'), {
        interfaces,
        ownTable: desired.model.table,
      });
      // Keep the table name the panel already owns, so adopting does not leave a second Gatehouse table behind.
      const model = { ...proposal.model, table: desired.model.table };
      const checked = validateModel(model);
      const script = checked.ok ? compile(checked.model) : null;
      const diff =
        script === null
          ? ''
          : createTwoFilesPatch('desired', 'proposal', compile(desired.model), script, '', '', { context: 3 });
      reply.header('etag', etag(desired.version));
      return {
        ...proposal,
        model,
        valid: checked.ok,
        problems: checked.ok ? [] : checked.problems,
        script,
        diff: script !== null && diff.includes('\n@@') ? diff : '',
        desiredVersion: desired.version,
      };
    },
  );

  app.post(
    '/import/adopt',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['import'],
        summary:
          'Make a (reviewed) proposal the desired model; needs If-Match with the ETag of the proposal. Nothing is applied.',
        headers: z.object({ 'if-match': z.string().max(64).optional() }),
        body: ImportAdoptBody,
        response: { 200: ImportAdoptResult, ...errors, 412: ErrorBody, 428: ErrorBody },
      },
    },
    async (req, reply) => {
      const version = ifMatch(req.headers);
      if (version === undefined) {
        throw new HttpError(428, 'precondition_required', 'send If-Match with the ETag of the proposal you reviewed');
      }
      const d = g.putDesired(req.body.model, version, actorOf(req), 'config.import', 'config', (p) =>
        p ? `body.model.${p}` : 'body.model',
      );
      reply.header('etag', etag(d.version));
      return { model: d.model, version: d.version };
    },
  );
};

export default routes;
