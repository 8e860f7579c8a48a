/**
 * Watches the pair from this node (GET /pair's reading, about once a second)
 * and reports what changed as `pair` events on the event stream and in the
 * audit log: a failover (this node became MASTER or BACKUP of a VRRP
 * instance) and sync errors (conntrackd's failure and error counters rose,
 * or it stopped answering). The last reading feeds the metrics.
 */
import type { ConntrackdStats, PairStatus } from '../../schemas/pair.js';
import type { EventHub } from '../events.js';

export interface PairWatchDeps {
  read: () => Promise<PairStatus>;
  hub: Pick<EventHub, 'publish'>;
  audit: { record(actor: string, action: string, target: string, details?: Record<string, unknown>): void };
  log: { warn(obj: object, msg: string): void };
  intervalMs?: number;
}

/** The counters whose rise is a sync error, by name. */
export function syncErrorCounters(s: ConntrackdStats): Record<string, number> {
  const n = (v: number | null) => v ?? 0;
  return {
    internalFailed: n(s.internal.createdFailed) + n(s.internal.updatedFailed) + n(s.internal.destroyedFailed),
    externalFailed: n(s.external.createdFailed) + n(s.external.updatedFailed) + n(s.external.destroyedFailed),
    sendErrors: n(s.link.sendErrors),
    receiveErrors: n(s.link.receiveErrors),
    malformed: n(s.messages.malformed),
    lost: n(s.messages.lost),
  };
}

export class PairWatch {
  /** The last reading (null before the first). */
  last: PairStatus | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: PairWatchDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.tick().finally(() => {
        this.running = null;
      });
    }, this.deps.intervalMs ?? 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One reading, compared with the one before. */
  async tick(): Promise<void> {
    let now: PairStatus;
    try {
      now = await this.deps.read();
    } catch (err) {
      this.deps.log.warn({ err }, 'could not read the pair');
      return;
    }
    const before = this.last;
    this.last = now;
    if (!now.configured || !before?.configured) return;
    for (const inst of now.instances) {
      const was = before.instances.find((i) => i.name === inst.name);
      if (!was || was.state === inst.state) continue;
      const data = { kind: 'failover', node: now.node, instance: inst.name, address: inst.address, state: inst.state };
      this.deps.hub.publish('pair', data);
      this.deps.audit.record('system', `pair.${inst.state}`, `vrrp:${inst.name}`, data);
    }
    const rose = this.syncErrors(before, now);
    if (rose) {
      const data = { kind: 'sync_errors', node: now.node, ...rose };
      this.deps.hub.publish('pair', data);
      this.deps.audit.record('system', 'pair.sync_errors', 'conntrackd', data);
    }
  }

  private syncErrors(
    before: Extract<PairStatus, { configured: true }>,
    now: Extract<PairStatus, { configured: true }>,
  ): { increase: Record<string, number> } | { error: string } | null {
    if (!now.sync.ok) return before.sync.ok ? { error: now.sync.error } : null;
    if (!before.sync.ok) return null;
    const a = syncErrorCounters(before.sync.stats);
    const b = syncErrorCounters(now.sync.stats);
    const increase: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) if (v > (a[k] ?? 0)) increase[k] = v - (a[k] ?? 0);
    return Object.keys(increase).length > 0 ? { increase } : null;
  }
}
