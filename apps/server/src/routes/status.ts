import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../schemas/common.js';
import { pendingView } from '../schemas/mappers/gateway.js';
import { Status } from '../schemas/status.js';

const routes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['status'],
        summary: 'Liveness (no login needed)',
        security: [],
        response: { 200: z.object({ ok: z.literal(true) }) },
      },
    },
    async () => ({ ok: true as const }),
  );

  app.get(
    '/status',
    {
      schema: {
        tags: ['status'],
        summary: 'What a read-only dashboard needs, with a fresh drift check',
        response: { 200: Status, 401: ErrorBody },
      },
    },
    async () => {
      const g = app.gateway;
      const ct = app.conntrack;
      const [ifaces, drift, counters, helperLive, natFtp, natTftp, kernelFlows, tcpLoose] = await Promise.all([
        g.interfaces(),
        g.checkDrift(),
        g.counters(),
        g.helperObjectLive(),
        g.natFtpState(),
        g.helperNatState('tftp'),
        ct.kernelCount(),
        ct.sysctls.tcpLoose(),
      ]);
      await ct.fresh();
      const desired = g.desired();
      const active = g.activeRevision();
      const applied = g.revisionModel(active);
      const role = (name: string) =>
        applied
          ? name === applied.interfaces.wan
            ? 'wan'
            : applied.interfaces.lan.includes(name)
              ? 'lan'
              : 'other'
          : name === desired.model.interfaces.wan
            ? 'wan'
            : desired.model.interfaces.lan.includes(name)
              ? 'lan'
              : 'other';
      const model = applied ?? desired.model;
      return {
        now: new Date().toISOString(),
        netns: app.config.netns ?? null,
        interfaces: ifaces.map((i) => ({ ...i, role: role(i.name) as 'wan' | 'lan' | 'other' })),
        appliedRevision: active?.id ?? null,
        desiredVersion: desired.version,
        desiredDiffersFromApplied: g.desiredDiffersFromApplied(),
        pending: pendingView(g.pending()),
        drift,
        ftp: {
          enabled: model.ftp.enabled,
          passiveOnly: model.ftp.passiveOnly,
          controlPorts: model.ftp.controlPorts,
          helperObjectLive: helperLive,
          natFtp: natFtp ? { state: natFtp.state, evidence: natFtp.evidence } : null,
        },
        tftp: {
          enabled: model.tftp.enabled,
          ports: model.tftp.ports,
          natTftp: natTftp ? { state: natTftp.state, evidence: natTftp.evidence } : null,
        },
        counters,
        conntrack: {
          following: ct.following,
          flows: ct.table.flows.size,
          expectations: ct.table.expectations.size,
          kernelFlows,
          lastResync: ct.lastResync?.toISOString() ?? null,
          resyncs: ct.resyncs,
          tcpLoose,
        },
      };
    },
  );
};

export default routes;
