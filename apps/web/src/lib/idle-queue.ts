/**
 * Runs queued work when the page is idle, in order: the live stream's
 * messages. At a burst of 10,000 new flows a second they were batches of
 * 2,000 rows (~0.8 MB of JSON) five times a second, each 10-15 ms of the
 * main thread wherever it landed (bench 15.3c: the late frames of a scroll
 * matched the number of batches). They are parsed and reduced in a worker
 * now (live-source.ts); what is left, the cache writes they cause, still
 * waits for idle time. Queued work runs in `requestIdleCallback`, after a
 * frame and before the next one is due, as much as the idle time allows
 * (at least one item a callback, so a long item cannot stall the queue),
 * and within `maxDelayMs` even on a page that is never idle. Where the
 * browser has no requestIdleCallback (tests), a timer stands in.
 */
export interface IdleQueue<T> {
  push(item: T): void;
  clear(): void;
}

/** Below this much idle time left, the next item waits for the next idle period. */
const MIN_IDLE_MS = 4;

export function createIdleQueue<T>(run: (item: T) => void, maxDelayMs = 250): IdleQueue<T> {
  let items: T[] = [];
  let head = 0;
  let scheduled: { cancel(): void } | null = null;

  const drain = (timeRemaining: () => number) => {
    scheduled = null;
    do {
      const item = items[head] as T;
      items[head++] = undefined as T;
      run(item);
    } while (head < items.length && timeRemaining() > MIN_IDLE_MS);
    if (head >= items.length) {
      items = [];
      head = 0;
    } else schedule();
  };

  const schedule = () => {
    if (scheduled) return;
    if (typeof requestIdleCallback === 'function') {
      const id = requestIdleCallback((d) => drain(() => (d.didTimeout ? MIN_IDLE_MS + 1 : d.timeRemaining())), {
        timeout: maxDelayMs,
      });
      scheduled = { cancel: () => cancelIdleCallback(id) };
    } else {
      const id = setTimeout(() => drain(() => 0), 0);
      scheduled = { cancel: () => clearTimeout(id) };
    }
  };

  return {
    push(item) {
      items.push(item);
      schedule();
    },
    clear() {
      scheduled?.cancel();
      scheduled = null;
      items = [];
      head = 0;
    },
  };
}
