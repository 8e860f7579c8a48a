/**
 * Failures per key in a sliding window, in memory: enough to throttle
 * guessing on one server (a restart forgets them, which costs an attacker a
 * restart they cannot cause). Successes are never recorded here.
 *
 * Memory is bounded: a key keeps at most `limit` timestamps (more tell
 * nothing new), and at most `maxKeys` keys are kept, the oldest dropped first.
 */
export interface FailureRule {
  /** Failures within the window at which the key is throttled. */
  limit: number;
  windowMs: number;
}

export class FailureLog {
  private readonly failures = new Map<string, number[]>();

  constructor(
    readonly rule: FailureRule,
    private readonly maxKeys = 10_000,
  ) {}

  private live(key: string, now: number): number[] {
    const times = this.failures.get(key);
    if (!times) return [];
    const from = now - this.rule.windowMs;
    while (times.length > 0 && (times[0] as number) <= from) times.shift();
    if (times.length === 0) this.failures.delete(key);
    return times;
  }

  add(key: string, now = Date.now()): void {
    const times = this.live(key, now);
    // Re-inserted last, so the eviction below drops the least recently failing key.
    this.failures.delete(key);
    times.push(now);
    if (times.length > this.rule.limit) times.shift();
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  count(key: string, now = Date.now()): number {
    return this.live(key, now).length;
  }

  /** Milliseconds until `key` is below its limit again; 0 when it is now. */
  blockedFor(key: string, now = Date.now()): number {
    const times = this.live(key, now);
    if (times.length < this.rule.limit) return 0;
    // The failure that has to leave the window for the count to drop below the limit.
    const pivot = times[times.length - this.rule.limit] as number;
    return pivot + this.rule.windowMs - now;
  }

  /** Milliseconds until the newest failure of `key` leaves the window; 0 when it has none. */
  remembersFor(key: string, now = Date.now()): number {
    const times = this.live(key, now);
    const last = times[times.length - 1];
    return last === undefined ? 0 : last + this.rule.windowMs - now;
  }
}
