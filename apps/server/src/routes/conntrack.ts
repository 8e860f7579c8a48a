import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { FlowAttribution, LocalAddresses, parseIpAddr } from '../conntrack/attribution.js';
import type { FlowFilter } from '../conntrack/table.js';
import { notFound } from '../lib/errors.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody, errorResponses as errors } from '../schemas/common.js';
import {
  ConntrackAccounting,
  ExpectationList,
  FlowIdParam,
  FlowPage,
  FlowQuery,
  FlowRow,
  KillResult,
  NodeQuery,
} from '../schemas/conntrack.js';
import { FlowCount } from '../schemas/index.js';
import { chooseNode, type NodeChoice, queryWithoutNode, readFromPeer } from '../services/ha/either-node.js';

const FlowCountQuery = FlowQuery.pick({
  protocol: true,
  address: true,
  port: true,
  state: true,
  helper: true,
  mark: true,
  node: true,
});

/** The index's filter from a query: only the fields the query has (exact optional properties). */
function flowFilterOf(q: z.infer<typeof FlowCountQuery>): FlowFilter {
  return {
    ...(q.protocol !== undefined ? { protocol: q.protocol } : {}),
    ...(q.address !== undefined ? { address: q.address } : {}),
    ...(q.port !== undefined ? { port: q.port } : {}),
    ...(q.state !== undefined ? { state: q.state } : {}),
    ...(q.helper !== undefined ? { helper: q.helper } : {}),
    ...(q.mark !== undefined ? { mark: q.mark } : {}),
  };
}

/** How long a page's rows are served as one JSON string (timeouts are to the second anyway). */
const PAGE_JSON_MS = 250;
const PageBody = FlowPage.omit({ asOf: true });

const routes: FastifyPluginAsyncZod = async (app) => {
  const ct = app.conntrack;
  const gateway = app.gateway;
  ct.useAttribution(
    new FlowAttribution({
      applied: () => {
        const active = gateway.activeRevision();
        return { key: active?.id ?? null, model: gateway.revisionModel(active) };
      },
      panelPort: app.config.listen.port,
      // Read where conntrack runs (the gateway's namespace), through the one runner.
      localAddresses: new LocalAddresses(async () =>
        parseIpAddr((await app.runner.run('ip', ['-o', 'addr', 'show'], { reject: false })).stdout),
      ),
    }),
  );
  const pageJson = new WeakMap<object, { head: string; at: number }>();
  /** `node=`: this node's table, or the peer's (services/ha/either-node.ts). */
  const nodeOf = (req: FastifyRequest, node: string | undefined): NodeChoice =>
    // The peer reads this node's own table: it is never sent on (no request goes back and forth).
    req.principal?.via === 'peer'
      ? { local: true }
      : chooseNode(gateway.revisionModel(gateway.activeRevision()), app.config.haNode, node);
  /** The peer reads these with the pair's peer token (Authorization: Peer), and nothing else. */
  const peerRead = { peerRead: true } as const;

  app.get(
    '/conntrack',
    {
      config: peerRead,
      schema: {
        tags: ['conntrack'],
        summary: 'The flow table: filter, sort, cursor paging, total count (node=: either node of a pair)',
        querystring: FlowQuery,
        response: { 200: FlowPage, ...errors, 502: ErrorBody },
      },
    },
    async (req, reply) => {
      const q = req.query;
      const choice = nodeOf(req, q.node);
      if (!choice.local) return readFromPeer(choice, `/conntrack${queryWithoutNode(req.url)}`, FlowPage);
      const page = await ct.queryPage({
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        ...flowFilterOf(q),
      });
      // The page's JSON (checked against the schema, as the serializer would)
      // is kept with the cached page for PAGE_JSON_MS: rows only change with
      // the table (a new page object) or as timeouts count down.
      const now = Date.now();
      let cached = pageJson.get(page);
      if (!cached || now - cached.at >= PAGE_JSON_MS) {
        const body = PageBody.parse({
          items: page.items.map((e) => ct.flowRow(e)),
          total: page.total,
          nextCursor: page.nextCursor,
        });
        cached = { head: JSON.stringify(body).slice(0, -1), at: now };
        pageJson.set(page, cached);
      }
      const json = `${cached.head},"asOf":"${new Date(now).toISOString()}"}`;
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.get(
    '/conntrack/count',
    {
      config: peerRead,
      schema: {
        tags: ['conntrack'],
        summary:
          'How many flows match a filter (no filter: the size of the table), from the index (node=: either node of a pair)',
        querystring: FlowCountQuery,
        response: { 200: FlowCount, ...errors, 502: ErrorBody },
      },
    },
    async (req) => {
      const q = req.query;
      const choice = nodeOf(req, q.node);
      if (!choice.local) return readFromPeer(choice, `/conntrack/count${queryWithoutNode(req.url)}`, FlowCount);
      await ct.fresh();
      return {
        count: ct.table.count(flowFilterOf(q)),
      };
    },
  );

  app.get(
    '/conntrack/accounting',
    {
      schema: {
        tags: ['conntrack'],
        summary: 'Whether the kernel counts packets and bytes per flow and stamps its start (the server turns both on)',
        response: { 200: ConntrackAccounting, ...errors },
      },
    },
    async () => ct.sysctls.accounting(),
  );

  app.get(
    '/conntrack/:id',
    {
      schema: {
        tags: ['conntrack'],
        summary: 'One flow',
        params: FlowIdParam,
        response: { 200: FlowRow, ...errors, 404: ErrorBody },
      },
    },
    async (req) => {
      const f = await ct.getFlow(req.params.id);
      if (!f) throw notFound(`flow ${req.params.id}`);
      return f;
    },
  );

  app.delete(
    '/conntrack/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['conntrack'],
        summary: "Kill a connection: delete its flow from the kernel table (409 panel_connection for the panel's own)",
        params: FlowIdParam,
        response: { 200: KillResult, ...errors, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody },
      },
    },
    async (req) => {
      const flow = await ct.kill(req.params.id);
      if (!flow) throw notFound(`flow ${req.params.id}`);
      app.store.audit.record(actorOf(req), 'conntrack.kill', `flow:${flow.id}`, {
        original: flow.original,
        protocol: flow.protocol,
      });
      const loose = flow.protocol === 'tcp' ? await ct.sysctls.tcpLoose() : false;
      return { killed: true as const, flow, connectionEnds: flow.protocol === 'tcp' && loose === false };
    },
  );

  app.get(
    '/expectations',
    {
      config: peerRead,
      schema: {
        tags: ['conntrack'],
        summary: 'The expectation table, each row linked to its master (control) flow (node=: either node of a pair)',
        querystring: NodeQuery,
        response: { 200: ExpectationList, ...errors, 502: ErrorBody },
      },
    },
    async (req) => {
      const choice = nodeOf(req, req.query.node);
      if (!choice.local) return readFromPeer(choice, '/expectations', ExpectationList);
      const items = await ct.listExpectations();
      return { items, total: items.length };
    },
  );
};

export default routes;
