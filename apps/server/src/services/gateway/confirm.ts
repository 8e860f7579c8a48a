/**
 * Commit-confirm: a provisional apply records which revision to go back to
 * and by when. The record is in the store, not only in a timer, so a server
 * that was restarted (or killed) in between still restores the previous
 * revision when the deadline passes. An apply interrupted half-way (its
 * revision still `applying` at start) is undone by loading the revision that
 * was active before it: that apply was never acknowledged. Foreign tables
 * a takeover retired (takeover.ts) come back with the previous revision, in
 * the same transaction, whether the deadline passed or the apply was cut short.
 */
import { applyRuleset, type GatewayModel, type ModuleState, type Runner } from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { RevisionSummary, Store } from '../../store/store.js';
import type { EventHub } from '../events.js';
import type { Applier } from './apply.js';
import type { ApplyLock } from './lock.js';
import { type Revisions, removalScript } from './revisions.js';
import { recreateScript } from './takeover.js';
import type { GatewayLogger } from './types.js';

export interface ConfirmParts {
  store: Store;
  runner: Runner;
  revisions: Revisions;
  applier: Applier;
  lock: ApplyLock;
  hub: EventHub;
  log: GatewayLogger;
  writeBootFiles: (model: GatewayModel | null, natFtp: ModuleState | null) => Promise<void>;
}

export class ConfirmWindow {
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly p: ConfirmParts) {}

  confirm(actor: string): RevisionSummary {
    const { store } = this.p;
    const pending = store.meta.pending();
    if (!pending) throw new HttpError(409, 'nothing_to_confirm', 'no provisional apply is waiting for confirmation');
    store.tx(() => {
      store.revisions.update(pending.revisionId, { status: 'confirmed' });
      store.meta.setPending(null);
      store.audit.record(actor, 'confirm', `revision:${pending.revisionId}`, {});
    });
    this.arm();
    const rev = store.revisions.summary(pending.revisionId) as RevisionSummary;
    this.p.hub.publish('confirm', { revision: rev.id, author: actor });
    void this.p.writeBootFiles(this.p.revisions.model(rev), null);
    return rev;
  }

  /** (Re)arms the timer for the stored pending confirmation, if any. */
  arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.p.store.meta.pending();
    if (!pending || this.closed) return;
    // +1: never wake before the deadline on Date.now()'s clock (see restoreUnconfirmed).
    const delay = Math.max(0, pending.deadline - Date.now()) + 1;
    this.timer = setTimeout(() => void this.restoreUnconfirmed(), Math.min(delay, 2 ** 31 - 1));
  }

  /** The deadline passed without a confirm: go back to the revision before the provisional apply. */
  async restoreUnconfirmed(): Promise<void> {
    if (this.closed) return;
    const early = this.p.store.meta.pending();
    if (early && early.deadline > Date.now()) {
      // Timers run on the event loop's cached clock and can fire a millisecond
      // before Date.now() reaches the deadline: arm again rather than give up
      // (which left a provisional apply unconfirmed and never rolled back).
      this.arm();
      return;
    }
    try {
      // Queued behind an apply in flight (lock.ts); that apply may have confirmed or replaced it.
      await this.p.lock.queue(async () => {
        const p = this.p.store.meta.pending();
        if (!p || p.deadline > Date.now() || this.closed) return;
        await this.p.applier.restore(
          p.previousRevisionId,
          'auto-rollback',
          'system (confirmation timed out)',
          p.revisionId,
        );
      });
    } catch (err) {
      this.p.log.error({ err }, 'restoring the previous revision failed; retrying in 5 s');
      if (!this.closed) this.timer = setTimeout(() => void this.restoreUnconfirmed(), 5000);
    }
  }

  /**
   * Run once at start: finish what a crash interrupted. A revision still
   * `applying` was never acknowledged, so the kernel goes back to the active
   * revision; a provisional apply past its deadline is rolled back now, one
   * still inside it gets its timer back.
   */
  async recover(): Promise<void> {
    const { store, revisions } = this.p;
    const interrupted = store.revisions.withStatus('applying');
    if (interrupted.length > 0) {
      store.tx(() => {
        for (const r of interrupted) {
          store.revisions.update(r.id, { status: 'failed' });
          store.audit.record('system (restart)', 'apply.interrupted', `revision:${r.id}`, {});
        }
      });
    }
    // Tables an interrupted takeover may have deleted: loaded back as they were
    // (the script recreates them whether or not nft got to delete them).
    const retired = store.takeover.retiredBy(interrupted.map((r) => r.id));
    const p = store.meta.pending();
    if (p && p.deadline <= Date.now()) {
      await this.p.lock.queue(() =>
        this.p.applier.restore(
          p.previousRevisionId,
          'auto-rollback',
          'system (confirmation timed out during restart)',
          p.revisionId,
          retired,
        ),
      );
      return;
    }
    if (interrupted.length > 0) {
      const active = revisions.active();
      const lastTried = revisions.model(interrupted[interrupted.length - 1] as RevisionSummary);
      const script =
        (active ? revisions.script(active) : lastTried ? removalScript(lastTried.table) : '') + recreateScript(retired);
      if (script) await this.p.lock.queue(() => applyRuleset(script, { runner: this.p.runner }));
      // Undone by the restart: marked restored by the revision that retired them.
      for (const t of retired) store.takeover.markRestored([t], t.revisionId);
      this.p.log.warn(
        { activeRevision: active?.id ?? null },
        'an apply was interrupted; the state before it was restored',
      );
    }
    this.arm();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
