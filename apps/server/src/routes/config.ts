/**
 * The desired gateway model: the whole of it (`/config`), and the parts
 * operators edit one at a time (`/forwards`, `/ftp`). Every response carries
 * the model's version as an ETag; a change sent with If-Match fails with 412
 * when somebody else changed the model since. PUT /config requires If-Match
 * (428 without), so replacing the whole model never overwrites silently.
 * Nothing here touches the kernel: that is /apply.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, Ok } from '../schemas/common.js';
import { ForwardList, FtpHelperPolicy, GatewayConfig, PortForward } from '../schemas/gateway.js';

export function etag(version: number): string {
  return `"v${version}"`;
}

/** The version an If-Match header names; undefined when absent. */
export function ifMatch(req: FastifyRequest): number | undefined {
  const h = req.headers['if-match'];
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?v?(\d+)"?\s*$/.exec(String(h));
  if (!m) {
    throw new HttpError(400, 'validation', 'If-Match must be an ETag from this API, e.g. "v3"', {
      problems: [{ path: 'headers.if-match', message: 'not an ETag from this API' }],
    });
  }
  return Number(m[1]);
}

const IfMatchHeaders = z.object({ 'if-match': z.string().optional().describe('ETag of the configuration you edited') });
const ForwardParams = z.object({ id: z.string().min(1).max(40) });
/** Problems of the whole model, named relative to the part this request sent when they concern it. */
function focusOn(prefix: string): (modelPath: string) => string {
  return (p) =>
    p === prefix ? 'body' : p.startsWith(`${prefix}.`) ? `body.${p.slice(prefix.length + 1)}` : `model.${p}`;
}

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 412: ErrorBody };

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
        summary: 'Replace the desired model; needs If-Match with the ETag you edited',
        headers: IfMatchHeaders,
        body: GatewayConfig,
        response: { 200: GatewayConfig, ...errors, 428: ErrorBody },
      },
    },
    async (req, reply) => {
      const version = ifMatch(req);
      if (version === undefined) {
        throw new HttpError(
          428,
          'precondition_required',
          'send If-Match with the ETag of the configuration you edited',
        );
      }
      const d = g.putDesired(req.body, version, actorOf(req), 'config.replace', 'config');
      return withEtag(reply, d.version, d.model);
    },
  );

  // --- forwards -------------------------------------------------------------------------
  app.get(
    '/forwards',
    { schema: { tags: ['forwards'], summary: 'Port forwards', response: { 200: ForwardList, 401: ErrorBody } } },
    async (_req, reply) => {
      const d = g.desired();
      return withEtag(reply, d.version, { items: d.model.forwards });
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

  app.post(
    '/forwards',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Create a port forward (validated against the whole model: overlaps, management ports)',
        headers: IfMatchHeaders,
        body: PortForward,
        response: { 201: PortForward, ...errors, 409: ErrorBody },
      },
    },
    async (req, reply) => {
      const fwd = req.body;
      let index = -1;
      const d = g.updateDesired(
        (m) => {
          index = m.forwards.length;
          if (m.forwards.some((x) => x.id === fwd.id) || m.gatewayForwards.some((x) => x.id === fwd.id)) {
            throw new HttpError(409, 'exists', `id "${fwd.id}" is already used`);
          }
          m.forwards.push(fwd);
          return m;
        },
        ifMatch(req),
        actorOf(req),
        'forward.create',
        `forward:${fwd.id}`,
        (p) => focusOn(`forwards.${index}`)(p),
      );
      reply.code(201);
      return withEtag(reply, d.version, d.model.forwards.find((x) => x.id === fwd.id) ?? fwd);
    },
  );

  app.put(
    '/forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Replace a port forward (the id in the body must match)',
        params: ForwardParams,
        headers: IfMatchHeaders,
        body: PortForward,
        response: { 200: PortForward, ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      if (req.body.id !== req.params.id) {
        throw new HttpError(400, 'validation', 'the id cannot change', {
          problems: [{ path: 'body.id', message: `must be ${req.params.id}` }],
        });
      }
      let index = -1;
      const d = g.updateDesired(
        (m) => {
          const i = m.forwards.findIndex((x) => x.id === req.params.id);
          if (i < 0) throw notFound(`forward ${req.params.id}`);
          index = i;
          m.forwards[i] = req.body;
          return m;
        },
        ifMatch(req),
        actorOf(req),
        'forward.update',
        `forward:${req.params.id}`,
        (p) => focusOn(`forwards.${index}`)(p),
      );
      return withEtag(reply, d.version, d.model.forwards.find((x) => x.id === req.params.id) as PortForward);
    },
  );

  app.delete(
    '/forwards/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['forwards'],
        summary: 'Delete a port forward',
        params: ForwardParams,
        headers: IfMatchHeaders,
        response: { 200: Ok, ...errors, 404: ErrorBody },
      },
    },
    async (req, reply) => {
      const d = g.updateDesired(
        (m) => {
          const before = m.forwards.length;
          m.forwards = m.forwards.filter((x) => x.id !== req.params.id);
          if (m.forwards.length === before) throw notFound(`forward ${req.params.id}`);
          return m;
        },
        ifMatch(req),
        actorOf(req),
        'forward.delete',
        `forward:${req.params.id}`,
      );
      return withEtag(reply, d.version, { ok: true as const });
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
        summary: 'Set the FTP helper policy (enabled, control ports, servers, passive-only)',
        headers: IfMatchHeaders,
        body: FtpHelperPolicy,
        response: { 200: FtpHelperPolicy, ...errors },
      },
    },
    async (req, reply) => {
      const d = g.updateDesired(
        (m) => {
          m.ftp = req.body;
          return m;
        },
        ifMatch(req),
        actorOf(req),
        'ftp.update',
        'ftp',
        focusOn('ftp'),
      );
      return withEtag(reply, d.version, d.model.ftp);
    },
  );
};

export default routes;
