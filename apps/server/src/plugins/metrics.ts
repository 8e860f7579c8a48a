/**
 * Prometheus metrics, one registry per app (tests build many apps in one
 * process; the global registry would mix them). Gauges read the services at
 * scrape time; applies and rollbacks are counted from the gateway's own
 * observations, so a failed or refused apply counts as well as one that
 * went through, whichever route (or timer) started it.
 */
import fp from 'fastify-plugin';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { PeerStateView } from '../services/ha/pair-apply.js';
import { syncErrorCounters } from '../services/ha/pair-watch.js';
import { PeerStateCache, pairDegraded } from '../services/ha/peer-state-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry;
    /** Counts a resync message sent to an event-stream client. */
    countSseResync: () => void;
  }
}

const DRIFT_STATES = ['in-sync', 'drifted', 'missing', 'never-applied', 'unknown'] as const;

export default fp(
  async (app) => {
    const register = new Registry();
    collectDefaultMetrics({ register, prefix: 'gatehouse_' });
    const { conntrack, gateway, store } = app;

    new Gauge({
      name: 'gatehouse_pair_master',
      help: 'HA pair: 1 when this node is MASTER of the VRRP instance (holds its virtual address), 0 when BACKUP',
      labelNames: ['instance'],
      registers: [register],
      collect() {
        this.reset();
        const p = app.pairWatch?.last;
        if (p?.configured) for (const i of p.instances) this.set({ instance: i.name }, i.state === 'master' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gatehouse_pair_sync_errors',
      help: "HA pair: conntrackd's failure and error counters (failed cache operations, link errors, malformed and lost messages)",
      labelNames: ['counter'],
      registers: [register],
      collect() {
        this.reset();
        const p = app.pairWatch?.last;
        if (p?.configured && p.sync.ok)
          for (const [counter, v] of Object.entries(syncErrorCounters(p.sync.stats))) this.set({ counter }, v);
      },
    });
    new Gauge({
      name: 'gatehouse_pair_sync_states',
      help: "HA pair: flows in conntrackd's caches (internal: this node's, external: the peer's)",
      labelNames: ['cache'],
      registers: [register],
      collect() {
        this.reset();
        const p = app.pairWatch?.last;
        if (p?.configured && p.sync.ok) {
          this.set({ cache: 'internal' }, p.sync.stats.internal.active ?? 0);
          this.set({ cache: 'external' }, p.sync.stats.external.active ?? 0);
        }
      },
    });
    // The peer as GET /pair reads it, asked at most once per 5 s whatever the scrape rate (and after each apply).
    const peer = new PeerStateCache(() => gateway.peerState().catch(() => null));
    const peerGauge = (name: string, help: string, value: (s: PeerStateView) => boolean) =>
      new Gauge({
        name,
        help,
        // Labelled by this node: a server that is not a pair node has no series (not a misleading 0).
        labelNames: ['node'],
        registers: [register],
        async collect() {
          this.reset();
          const s = await peer.get();
          if (s) this.set({ node: app.config.haNode ?? '' }, value(s) ? 1 : 0);
        },
      });
    peerGauge(
      'gatehouse_pair_degraded',
      'HA pair: 1 when the peer is unreachable or does not hold this node’s revision (applies need ?degraded=true), as GET /pair says',
      pairDegraded,
    );
    peerGauge(
      'gatehouse_pair_peer_reachable',
      'HA pair: 1 when the peer answers this node’s panel',
      (s) => s.reachable,
    );
    peerGauge(
      'gatehouse_pair_in_sync',
      'HA pair: 1 when the peer holds this node’s active revision (or this node the peer’s)',
      (s) => s.inSync,
    );
    new Gauge({
      name: 'gatehouse_conntrack_flows',
      help: 'Connections in the conntrack table, as followed by the panel',
      registers: [register],
      collect() {
        this.set(conntrack.table.flows.size);
      },
    });
    new Gauge({
      name: 'gatehouse_conntrack_expectations',
      help: 'Expectations (e.g. FTP data connections announced by the helper) in the conntrack table',
      registers: [register],
      collect() {
        this.set(conntrack.table.expectations.size);
      },
    });
    new Counter({
      name: 'gatehouse_conntrack_resyncs_total',
      help: 'Reloads of the conntrack tables from a dump (at start, and after events were lost: ENOBUFS, a restarted stream)',
      registers: [register],
      collect() {
        this.reset();
        this.inc(conntrack.resyncs);
      },
    });
    new Counter({
      name: 'gatehouse_conntrack_stream_restarts_total',
      help: 'Restarts of the conntrack event streams',
      registers: [register],
      collect() {
        this.reset();
        this.inc(conntrack.restarts);
      },
    });
    const sseResyncs = new Counter({
      name: 'gatehouse_events_resyncs_sent_total',
      help: 'resync messages sent to event-stream clients (their events were lost, e.g. a batch overflow)',
      registers: [register],
    });
    const applies = new Counter({
      name: 'gatehouse_applies_total',
      help: 'Applies of the desired model, by result (ok, failed: nft refused it, refused: lockout check) and mode',
      labelNames: ['result', 'mode'] as const,
      registers: [register],
    });
    const rollbacks = new Counter({
      name: 'gatehouse_rollbacks_total',
      help: 'Rollbacks that reached the kernel: manual (POST /revisions/:id/rollback) or auto (confirmation timed out)',
      labelNames: ['trigger', 'result'] as const,
      registers: [register],
    });
    const applySeconds = new Histogram({
      name: 'gatehouse_apply_duration_seconds',
      help: 'Time nft took to load an applied script (applies and rollbacks)',
      labelNames: ['kind'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [register],
    });
    new Gauge({
      name: 'gatehouse_drift_state',
      help: 'Whether the live table matches the applied revision: 1 for the current state, 0 for the others',
      labelNames: ['state'] as const,
      registers: [register],
      collect() {
        for (const s of DRIFT_STATES) this.set({ state: s }, gateway.drift.state === s ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gatehouse_pending_confirmation',
      help: '1 while a provisional apply waits for confirmation (it is rolled back at the deadline)',
      registers: [register],
      collect() {
        this.set(store.meta.pending() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gatehouse_event_subscribers',
      help: 'Open event streams (GET /api/v1/events)',
      registers: [register],
      collect() {
        this.set(app.hub.subscriberCount);
      },
    });
    // Start every labelled series at 0, so rate() and absent() work before the first apply.
    for (const result of ['ok', 'failed', 'refused']) {
      for (const mode of ['full', 'delta']) applies.inc({ result, mode }, 0);
    }
    for (const trigger of ['manual', 'auto'])
      for (const result of ['ok', 'failed']) rollbacks.inc({ trigger, result }, 0);

    gateway.observeApplies((o) => {
      peer.invalidate();
      if (o.kind === 'apply') applies.inc({ result: o.result, mode: o.delta ? 'delta' : 'full' });
      else rollbacks.inc({ trigger: o.kind === 'auto-rollback' ? 'auto' : 'manual', result: o.result });
      if (o.durationMs !== undefined) applySeconds.observe({ kind: o.kind }, o.durationMs / 1000);
    });
    app.decorate('metrics', register);
    app.decorate('countSseResync', () => sseResyncs.inc());
  },
  { name: 'gatehouse-metrics', dependencies: ['gatehouse-services'] },
);
