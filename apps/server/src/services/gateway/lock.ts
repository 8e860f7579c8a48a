/**
 * The one lock over the kernel's ruleset: every apply, forward-change apply,
 * rollback and restore holds it while it runs.
 *
 * Requests refuse rather than wait (`run`: 409 apply_in_progress, as the API
 * documents): an operator whose apply would start after someone else's
 * should look at the result first, and a queue of applies would each be
 * built on a state the operator never saw. Restores the server makes itself
 * (the confirm timer's automatic rollback, crash recovery) wait instead
 * (`queue`): they must run after the apply in flight, not be dropped. While
 * one waits, requests are refused too, so it cannot be starved.
 */
import { ApplyBusyError } from '../../lib/errors.js';

export class ApplyLock {
  private tail: Promise<unknown> = Promise.resolve();
  private holders = 0;

  /** Whether an apply runs or a restore waits to. */
  get held(): boolean {
    return this.holders > 0;
  }

  /** For requests: runs fn now, or refuses with 409 apply_in_progress. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.holders > 0) return Promise.reject(new ApplyBusyError());
    return this.queue(fn);
  }

  /** For the server's own restores: runs fn once whatever holds the lock has finished. */
  queue<T>(fn: () => Promise<T>): Promise<T> {
    this.holders++;
    const result = this.tail.then(fn).finally(() => {
      this.holders--;
    });
    this.tail = result.catch(() => undefined);
    return result;
  }
}
