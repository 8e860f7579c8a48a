/**
 * The live stream's messages are handed to the pages when the page is idle
 * (lib/idle-queue.ts, bench 15.3c): in order, as many as the idle time
 * allows but at least one a callback, the rest in the next idle period,
 * all of them when the browser's deadline passed; a timer where there is
 * no requestIdleCallback; nothing after clear().
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIdleQueue } from '../src/lib/idle-queue';

type IdleCb = (d: { didTimeout: boolean; timeRemaining(): number }) => void;

function fakeIdle() {
  const pending: IdleCb[] = [];
  vi.stubGlobal('requestIdleCallback', (cb: IdleCb) => pending.push(cb));
  vi.stubGlobal('cancelIdleCallback', (id: number) => {
    pending[id - 1] = () => undefined;
  });
  return {
    /** Runs the oldest idle callback with `ms` of idle time, of which `spent.ms` is used up so far. */
    idle(ms: number, didTimeout = false, spent = { ms: 0 }) {
      const cb = pending.shift();
      cb?.({ didTimeout, timeRemaining: () => (didTimeout ? 0 : Math.max(0, ms - spent.ms)) });
      return spent;
    },
    get waiting() {
      return pending.length;
    },
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the idle queue', () => {
  it('runs items in order, as many as the idle time allows, the rest in the next idle period', () => {
    const idle = fakeIdle();
    const spent = { ms: 0 };
    const ran: number[] = [];
    const q = createIdleQueue<number>((n) => {
      ran.push(n);
      spent.ms += 5;
    });
    for (let i = 1; i <= 5; i++) q.push(i);
    expect(ran).toEqual([]); // nothing runs in the task that received them
    expect(idle.waiting).toBe(1);
    idle.idle(12, false, spent); // 12 ms idle: items of 5 ms while more than 4 ms are left
    expect(ran).toEqual([1, 2]);
    spent.ms = 0;
    idle.idle(2, false, spent); // a short idle period still runs one
    expect(ran).toEqual([1, 2, 3]);
    spent.ms = 0;
    idle.idle(0, true, spent); // the deadline passed: everything left
    expect(ran).toEqual([1, 2, 3, 4, 5]);
    expect(idle.waiting).toBe(0);
    q.push(6);
    expect(idle.waiting).toBe(1);
  });

  it('drops what is queued on clear()', () => {
    const idle = fakeIdle();
    const ran: number[] = [];
    const q = createIdleQueue<number>((n) => ran.push(n));
    q.push(1);
    q.clear();
    idle.idle(50);
    expect(ran).toEqual([]);
  });

  it('falls back to a timer without requestIdleCallback', () => {
    vi.useFakeTimers();
    vi.stubGlobal('requestIdleCallback', undefined);
    const ran: string[] = [];
    const q = createIdleQueue<string>((s) => ran.push(s));
    q.push('a');
    q.push('b');
    expect(ran).toEqual([]);
    vi.runAllTimers();
    expect(ran).toEqual(['a', 'b']);
  });
});
