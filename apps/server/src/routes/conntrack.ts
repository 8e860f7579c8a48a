import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { notFound } from '../lib/errors.js';
import { actorOf } from '../plugins/auth.js';
import { ErrorBody } from '../schemas/common.js';
import { ExpectationList, FlowIdParam, FlowPage, FlowQuery, FlowRow, KillResult } from '../schemas/conntrack.js';

const FlowCountQuery = FlowQuery.pick({
  protocol: true,
  address: true,
  port: true,
  state: true,
  helper: true,
  mark: true,
});

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

const routes: FastifyPluginAsyncZod = async (app) => {
  const ct = app.conntrack;

  app.get(
    '/conntrack',
    {
      schema: {
        tags: ['conntrack'],
        summary: 'The flow table: filter, sort, cursor paging, total count',
        querystring: FlowQuery,
        response: { 200: FlowPage, ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const page = await ct.queryFlows({
        sort: q.sort,
        order: q.order,
        limit: q.limit,
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        ...(q.protocol !== undefined ? { protocol: q.protocol } : {}),
        ...(q.address !== undefined ? { address: q.address } : {}),
        ...(q.port !== undefined ? { port: q.port } : {}),
        ...(q.state !== undefined ? { state: q.state } : {}),
        ...(q.helper !== undefined ? { helper: q.helper } : {}),
        ...(q.mark !== undefined ? { mark: q.mark } : {}),
      });
      return { ...page, asOf: new Date().toISOString() };
    },
  );

  app.get(
    '/conntrack/count',
    {
      schema: {
        tags: ['conntrack'],
        summary: 'How many flows match a filter (no filter: the size of the table), from the index',
        querystring: FlowCountQuery,
        response: { 200: z.object({ count: z.number() }), ...errors },
      },
    },
    async (req) => {
      await ct.fresh();
      const q = req.query;
      return {
        count: ct.table.count({
          ...(q.protocol !== undefined ? { protocol: q.protocol } : {}),
          ...(q.address !== undefined ? { address: q.address } : {}),
          ...(q.port !== undefined ? { port: q.port } : {}),
          ...(q.state !== undefined ? { state: q.state } : {}),
          ...(q.helper !== undefined ? { helper: q.helper } : {}),
          ...(q.mark !== undefined ? { mark: q.mark } : {}),
        }),
      };
    },
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
        summary: 'Kill a connection: delete its flow from the kernel table',
        params: FlowIdParam,
        response: { 200: KillResult, ...errors, 404: ErrorBody, 502: ErrorBody },
      },
    },
    async (req) => {
      const flow = await ct.kill(req.params.id);
      if (!flow) throw notFound(`flow ${req.params.id}`);
      app.store.audit(actorOf(req), 'conntrack.kill', `flow:${flow.id}`, {
        original: flow.original,
        protocol: flow.protocol,
      });
      const loose = flow.protocol === 'tcp' ? await ct.tcpLoose() : false;
      return { killed: true as const, flow, connectionEnds: flow.protocol === 'tcp' && loose === false };
    },
  );

  app.get(
    '/expectations',
    {
      schema: {
        tags: ['conntrack'],
        summary: 'The expectation table, each row linked to its master (control) flow',
        response: { 200: ExpectationList, ...errors },
      },
    },
    async () => {
      const items = await ct.listExpectations();
      return { items, total: items.length };
    },
  );
};

export default routes;
