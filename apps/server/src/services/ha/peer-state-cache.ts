/**
 * The peer's state (GatewayService.peerState: a GET /peer/state to the peer,
 * up to 3 s when it does not answer) read at most once per `ttlMs` for the
 * metrics: a scrape reads three gauges from it, and Prometheus may scrape
 * every few seconds from several servers. Readers that come while a read is
 * under way share it. An apply on this node forgets the reading (metrics.ts).
 */
import type { PeerStateView } from './pair-apply.js';

export class PeerStateCache {
  private value: { at: number; state: PeerStateView | null } | null = null;
  private reading: Promise<PeerStateView | null> | null = null;

  constructor(
    private readonly read: () => Promise<PeerStateView | null>,
    private readonly ttlMs = 5000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Forget the last reading (an apply changes what the peer holds): the next get() asks the peer. */
  invalidate(): void {
    this.value = null;
  }

  get(): Promise<PeerStateView | null> {
    if (this.value && this.now() - this.value.at < this.ttlMs) return Promise.resolve(this.value.state);
    this.reading ??= this.read()
      .then((state) => {
        this.value = { at: this.now(), state };
        return state;
      })
      .finally(() => {
        this.reading = null;
      });
    return this.reading;
  }
}

/** GET /pair's `degraded` (services/ha/pair-status.ts): the peer unreachable or not holding this node's revision. */
export const pairDegraded = (s: PeerStateView): boolean => !s.reachable || !s.inSync;
