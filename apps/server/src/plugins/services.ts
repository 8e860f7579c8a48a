/**
 * The application services as one named plugin: the store, the event hub,
 * the gateway (rules engine) and the conntrack follower, decorated on the
 * instance so routes reach them as `app.gateway`, `app.conntrack`, ...
 * Start-up work (crash recovery, first admin, following conntrack) runs in
 * onReady; onClose stops the child processes and closes the store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRunner, type Runner } from '@gatehouse/rules';
import fp from 'fastify-plugin';
import { checkAdminPassword, type ServerConfig } from '../config.js';
import { ConntrackService } from '../conntrack/service.js';
import { warmFlowEvents } from '../conntrack/warm-up.js';
import { generatePassword, hashPassword } from '../lib/secrets.js';
import { EventHub } from '../services/events.js';
import { GatewayService } from '../services/gateway.js';
import { createHaEngines, type HaEngines } from '../services/ha/engines.js';
import { pairStatus } from '../services/ha/pair-status.js';
import { PairWatch } from '../services/ha/pair-watch.js';
import { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: ServerConfig;
    store: Store;
    hub: EventHub;
    gateway: GatewayService;
    conntrack: ConntrackService;
    runner: Runner;
    /** A pair node's watch of its VRRP state and sync counters (null: not a pair node). */
    pairWatch: PairWatch | null;
    /** A pair node's engines (null: not a pair node, or GATEHOUSE_HA_ENGINES=off): the failover by hand holds keepalived. */
    haEngines: HaEngines | null;
  }
}

export interface ServicesOptions {
  config: ServerConfig;
  /** Replaces the runner built from config.netns (tests). */
  runner?: Runner;
  /** Where the generated first-admin password is printed (once). */
  announce?: (text: string) => void;
}

export default fp<ServicesOptions>(
  async (app, opts) => {
    const { config } = opts;
    // Commands start from the spawn helper: the server holds hundreds of MB
    // at a million flows, and a fork of it blocks the event loop (RunnerOptions.fromHelper).
    const runner =
      opts.runner ??
      createRunner({ ...(config.netns ? { netns: config.netns } : {}), logger: app.log, fromHelper: true });
    const store = new Store(config.stateDir);
    const hub = new EventHub({ batchMs: config.eventBatchMs });
    const initialModel = config.initialModel
      ? (JSON.parse(readFileSync(config.initialModel, 'utf8')) as unknown)
      : undefined;
    const haDir = config.haDir ?? join(config.stateDir, 'ha');
    const haEngines = config.haNode ? createHaEngines(config.haEngines, runner, haDir, app.log) : null;
    const gateway = new GatewayService({
      store,
      runner,
      hub,
      log: app.log,
      initialModel,
      driftIntervalMs: config.driftIntervalMs,
      persistence: { nftIncludeDir: config.nftIncludeDir, modulesLoadDir: config.modulesLoadDir },
      ...(config.haNode ? { pairNode: { node: config.haNode, dir: haDir, runner, engines: haEngines } } : {}),
    });
    const pairWatch = config.haNode
      ? new PairWatch({
          read: () =>
            pairStatus(gateway.revisionModel(gateway.activeRevision()), config.haNode, {
              runner,
              interfaces: () => gateway.interfaces(),
              paths: { conntrackdConfig: join(haDir, 'conntrackd.conf'), notifyLog: join(haDir, 'notify.log') },
            }),
          hub,
          audit: store.audit,
          log: app.log,
        })
      : null;
    const conntrack = new ConntrackService(runner, hub, app.log, {
      eventBufferBytes: config.conntrackEventBufferBytes,
    });

    // The first dump of a large table takes seconds (a million flows: ~8 s on
    // a busy box): it starts here, beside the rest of the start-up (routes,
    // recovery), not after it (bench 15.6, cold start).
    const following = (async () => {
      if (config.strictTcpPickup) await conntrack.sysctls.setStrictTcpPickup();
      if (config.conntrack) await conntrack.start();
    })().catch((err: unknown) => app.log.error({ err }, 'could not follow conntrack'));
    // Once the first dump is in (not before: a page waits for it), the flow
    // events' path runs on made-up events, compiled before a first flood (warm-up.ts).
    // Not when conntrack could not be followed; a failed first dump is logged where it fails.
    if (config.conntrack)
      void following
        .then(async () => {
          if (!conntrack.following) return;
          await conntrack.fresh().catch(() => undefined);
          const r = await warmFlowEvents(conntrack.attributionNow);
          app.log.debug({ ...r, ms: Math.round(r.ms) }, 'flow-event path warmed up');
        })
        .catch((err: unknown) => app.log.warn({ err }, 'the flow-event warm-up failed'));

    app.decorate('config', config);
    app.decorate('runner', runner);
    app.decorate('store', store);
    app.decorate('hub', hub);
    app.decorate('gateway', gateway);
    app.decorate('conntrack', conntrack);
    app.decorate('pairWatch', pairWatch);
    app.decorate('haEngines', haEngines);

    app.addHook('onReady', async () => {
      if (store.accounts.countUsers() === 0) {
        // Its strength is checked only now, when it is used (bench 15.6): a weak one stops the start.
        if (config.adminPassword) checkAdminPassword(config.adminPassword);
        const password = config.adminPassword ?? generatePassword();
        store.accounts.createUser('admin', await hashPassword(password), 'admin');
        store.audit.record('system', 'user.create', 'user:admin', { role: 'admin', firstStart: true });
        if (!config.adminPassword) {
          (opts.announce ?? ((t: string) => process.stderr.write(t)))(
            `\nGatehouse: first start. Log in as "admin" with password: ${password}\n(shown once; change it after logging in)\n\n`,
          );
        }
      }
      await gateway.recover();
      await gateway.startPairEngines();
      pairWatch?.start();
      gateway.startDriftWatch();
      await following;
    });

    app.addHook('onClose', async () => {
      await pairWatch?.stop();
      await conntrack.stop();
      await gateway.close();
      await haEngines?.stop();
      hub.close();
      store.close();
    });
  },
  { name: 'gatehouse-services' },
);
