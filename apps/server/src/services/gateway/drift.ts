/**
 * Drift: whether the live table still is what the active revision loaded.
 * After each apply the table is read back as that revision's baseline; a
 * check (on a timer, and on every status poll) reads it again and compares.
 */
import { compareListings, type GatewayModel, type Runner, readTable } from '@gatehouse/rules';
import type { DriftState } from '../../schemas/status.js';
import type { Store } from '../../store/store.js';
import type { EventHub } from '../events.js';
import type { Revisions } from './revisions.js';
import type { GatewayLogger } from './types.js';

/** Above this many forwards, drift compares the terse listing (structure and rules, no map elements). */
export const TERSE_DRIFT_ABOVE = 2000;
/** How long after an apply a large table's drift baseline is read. */
const BASELINE_DELAY_MS = 200;

export class Drift {
  state: DriftState = { state: 'unknown', checkedAt: null, diff: '', added: [], removed: [] };
  private running: Promise<DriftState> | null = null;
  private baselineCapture: Promise<void> | null = null;
  private hurryBaseline: () => void = () => {};
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly runner: Runner,
    private readonly revisions: Revisions,
    private readonly hub: EventHub,
    private readonly log: GatewayLogger,
    /** True while an apply runs: the table is changing, so no verdict. */
    private readonly applying: () => boolean,
  ) {}

  /** Reads the drift baseline of a revision off the request path. */
  captureBaseline(revisionId: number, model: GatewayModel): void {
    const terse = model.forwards.length > TERSE_DRIFT_ABOVE;
    // A large table's listing is CPU the reply would otherwise share (2
    // cores), so it is read a moment after the response has gone out; a drift
    // check in the meantime takes it at once (hurryBaseline). Small tables are
    // read straight away: no window for a hand edit to slip into the baseline.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(release, terse ? BASELINE_DELAY_MS : 0);
    this.hurryBaseline = () => {
      clearTimeout(timer);
      release();
    };
    this.baselineCapture = (this.baselineCapture ?? Promise.resolve()).then(async () => {
      await released;
      // A small table's listing is started from this process at once, not
      // through the spawn helper: it must be under way before anyone can act
      // on the reply (through the helper it waited for the helper's turn, and
      // a hand edit made right after the reply sometimes landed first).
      const read = terse ? { terse } : { terse, fromHelper: false };
      const baseline = await readTable(model.table, { runner: this.runner }, read).catch(() => null);
      this.store.revisions.update(revisionId, { baseline });
    });
  }

  /** A delta revision of a large table: map elements are not in a terse listing, so the parent's baseline holds. */
  inheritBaseline(fromId: number, toId: number): void {
    this.baselineCapture = (this.baselineCapture ?? Promise.resolve()).then(() => {
      const baseline = this.store.revisions.summary(fromId)?.baseline ?? null;
      this.store.revisions.update(toId, { baseline });
    });
  }

  startWatch(intervalMs: number): void {
    if (this.timer || intervalMs <= 0) return;
    const tick = () => {
      void this.check().finally(() => {
        if (!this.closed) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, intervalMs);
  }

  /** Compares the live table with the active revision's baseline; publishes a `drift` event when that changes. */
  check(options: { hurry?: boolean } = {}): Promise<DriftState> {
    this.running ??= (async () => {
      const previous = this.state;
      let next: DriftState;
      try {
        if (options.hurry !== false) this.hurryBaseline();
        await this.baselineCapture;
        const active = this.revisions.active();
        const model = this.revisions.model(active);
        if (!active || !model) {
          next = { state: 'never-applied', checkedAt: new Date().toISOString(), diff: '', added: [], removed: [] };
        } else if (this.applying() || active.baseline === null) {
          return previous;
        } else {
          const terse = model.forwards.length > TERSE_DRIFT_ABOVE;
          const report = compareListings(
            active.baseline,
            await readTable(model.table, { runner: this.runner }, { terse }),
          );
          next = {
            state: report.missing ? 'missing' : report.drifted ? 'drifted' : 'in-sync',
            checkedAt: new Date().toISOString(),
            diff: report.diff,
            added: report.added,
            removed: report.removed,
          };
        }
      } catch (err) {
        this.log.warn({ err }, 'drift check failed');
        next = { ...previous, state: 'unknown', checkedAt: new Date().toISOString() };
      }
      this.state = next;
      if (next.state !== previous.state || next.diff !== previous.diff) {
        this.hub.publish('drift', {
          state: next.state,
          diff: next.diff,
          added: next.added,
          removed: next.removed,
          at: next.checkedAt,
        });
      }
      return next;
    })().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    // A baseline read still in flight writes to the store, which closes next.
    this.hurryBaseline();
    await Promise.all([this.running?.catch(() => undefined), this.baselineCapture?.catch(() => undefined)]);
  }
}
