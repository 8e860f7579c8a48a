/**
 * Hit counters per forward that survive applies: reads the kernel's
 * per-element counters (forward-hits-read.ts) and adds what they counted
 * since the last read to the stored totals (forward-hits-accumulate.ts).
 * Read when the totals are asked for, and just before every whole apply
 * (which zeroes the counters), through the hook in gateway/apply.ts, at any
 * number of forwards.
 */
import type { GatewayModel, Runner } from '@gatehouse/rules';
import type { ForwardHitRow, ForwardHitsRepository } from '../store/forward-hits.js';
import { accumulate, markReset } from './forward-hits-accumulate.js';
import { readForwardCounters } from './forward-hits-read.js';

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
      if (this.p.active()) await this.count(true);
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
