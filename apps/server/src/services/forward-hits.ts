/**
 * Hit counters per forward that survive applies: reads the kernel's
 * per-element counters (forward-hits-read.ts) and adds what they counted
 * since the last read to the stored totals (forward-hits-accumulate.ts).
 * Read when the totals are asked for (each open forwards page asks every
 * 15 s), and just before a whole apply (which zeroes the counters), through
 * the hook in gateway/apply.ts, up to COUNT_BEFORE_APPLY_UP_TO forwards.
 */
import type { GatewayModel, Runner } from '@gatehouse/rules';
import type { ForwardHitRow, ForwardHitsRepository } from '../store/forward-hits.js';
import { accumulate, markReset } from './forward-hits-accumulate.js';
import { readForwardCounters } from './forward-hits-read.js';

/**
 * Above this many forwards a whole apply does not wait for a read first: the
 * read costs several times the apply (measured under load: 10,000 forwards
 * 0.55-0.94 s against a 0.25-0.30 s apply; 100,000: 8-15 s against 2.2-2.9 s,
 * GATEHOUSE_HITS_MEASURE=1 in forward-hits-read.test.ts), and the apply is
 * what keeps the operator waiting (bench goal: within 5-15% of nft -f). What
 * the kernel counted since the last read is then lost at that apply.
 */
export const COUNT_BEFORE_APPLY_UP_TO = 5000;

/** Reads closer together than this answer from the store: each open forwards page asks every 15 s. */
export const READ_AT_MOST_EVERY_MS = 2000;

export interface ForwardHitsParts {
  repo: ForwardHitsRepository;
  runner: Runner;
  /** The model the kernel holds and the active revision's id, or null when nothing is applied. */
  active: () => { model: GatewayModel; revisionId: number } | null;
  now?: () => Date;
}

export class ForwardHits {
  /** One read at a time: two overlapping reads would add the same growth twice. */
  private running: Promise<unknown> = Promise.resolve();
  private lastRead = Number.NEGATIVE_INFINITY;

  constructor(private readonly p: ForwardHitsParts) {}

  /** Adds what the kernel counted since the last read; returns every stored total. */
  read(): Promise<ForwardHitRow[]> {
    return this.serial(async () => {
      const now = performance.now();
      if (now - this.lastRead >= READ_AT_MOST_EVERY_MS) {
        this.lastRead = now;
        await this.count(false);
      }
      return this.p.repo.all();
    });
  }

  /** Just before a whole apply: counts what the kernel holds now. Never fails the apply. */
  beforeWholeApply(): Promise<void> {
    return this.serial(async () => {
      const a = this.p.active();
      if (!a || a.model.forwards.length > COUNT_BEFORE_APPLY_UP_TO) return;
      await this.count(true);
    }).catch(() => undefined);
  }

  private async count(resetting: boolean): Promise<void> {
    const a = this.p.active();
    if (!a) return;
    const live = await readForwardCounters(
      a.model.table,
      a.model.forwards.map((f) => f.id),
      this.p.runner,
    );
    if (live.length === 0) return;
    const now = (this.p.now?.() ?? new Date()).toISOString();
    const rows = this.p.repo.all();
    const changed = accumulate(rows, live, a.revisionId, now);
    if (!resetting) {
      this.p.repo.save(changed);
      return;
    }
    const merged = new Map(rows.map((r) => [r.forwardId, r]));
    for (const r of changed) merged.set(r.forwardId, r);
    const liveIds = new Set(live.map((c) => c.forwardId));
    this.p.repo.save(
      markReset(
        [...merged.values()].filter((r) => liveIds.has(r.forwardId)),
        a.revisionId,
      ),
    );
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.running.then(fn, fn);
    this.running = next.catch(() => undefined);
    return next;
  }
}
