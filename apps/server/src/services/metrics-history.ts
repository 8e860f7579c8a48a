/**
 * Recent history of what the dashboard charts (conntrack flow and
 * expectation counts), so a reloaded page draws the last hour at once
 * instead of starting empty. A fixed ring of samples taken every few
 * seconds: memory is bounded by `capacity` whatever the uptime, and reading
 * it is a copy in time order.
 */

export interface CountsSample {
  /** Milliseconds since the epoch. */
  at: number;
  flows: number;
  expectations: number;
}

export interface MetricsHistoryOptions {
  /** How often `start` samples. */
  intervalMs: number;
  /** How many samples are kept; the oldest is dropped first. */
  capacity: number;
}

/** One sample every 5 s for an hour. */
export const DEFAULT_HISTORY: MetricsHistoryOptions = { intervalMs: 5_000, capacity: 720 };

export class MetricsHistory {
  private readonly ring: Array<CountsSample | undefined>;
  /** Where the next sample goes. */
  private next = 0;
  private size = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: () => { flows: number; expectations: number },
    readonly options: MetricsHistoryOptions = DEFAULT_HISTORY,
  ) {
    this.ring = new Array<CountsSample | undefined>(options.capacity);
  }

  /** Takes a sample now. A clock that went backwards would break the order: such a sample replaces the last. */
  sample(at = Date.now()): void {
    const { flows, expectations } = this.read();
    const last = this.size > 0 ? this.ring[(this.next - 1 + this.ring.length) % this.ring.length] : undefined;
    if (last && at <= last.at) {
      this.ring[(this.next - 1 + this.ring.length) % this.ring.length] = { at: last.at, flows, expectations };
      return;
    }
    this.ring[this.next] = { at, flows, expectations };
    this.next = (this.next + 1) % this.ring.length;
    this.size = Math.min(this.size + 1, this.ring.length);
  }

  /** Oldest first; only samples after `since` (ms) when given. */
  samples(since?: number): CountsSample[] {
    const out: CountsSample[] = [];
    const start = (this.next - this.size + this.ring.length) % this.ring.length;
    for (let i = 0; i < this.size; i++) {
      const s = this.ring[(start + i) % this.ring.length];
      if (s && (since === undefined || s.at > since)) out.push(s);
    }
    return out;
  }

  start(): void {
    if (this.timer) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.options.intervalMs);
    // Sampling never keeps the process alive on its own.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
