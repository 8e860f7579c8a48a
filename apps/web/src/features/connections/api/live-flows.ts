/**
 * Applies the live stream to the loaded connection pages: destroyed rows
 * leave, updated rows change in place, new rows that match the filters are
 * put on top and marked for a moment. The stream's worker reduces each
 * server batch to what it changes in this view (lib/flow-delta.ts), which
 * this hook tells it about; one cache write per batch.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLiveEvent, useSetFlowView } from '../../../lib/events';
import type { FlowDelta } from '../../../lib/flow-delta';
import type { Api, FlowQuery } from '../../../lib/types';
import { type FlowsData, flowsQueryKey, receivedAt } from './get-flows';

export interface LiveFlowStats {
  added: number;
  removed: number;
  fresh: ReadonlySet<string>;
}

const FRESH_MS = 3000;
/**
 * Most rows put on top at once that are marked (fading in for FRESH_MS). A
 * burst's hundreds say nothing marked, and every fading row is painted
 * again in every frame of someone scrolling through them (bench 15.3c).
 */
const FRESH_MARK_MAX = 50;
/**
 * Most new rows put on top of the table between two loads of it. Beyond
 * that (a burst: thousands of new flows a second) new flows are counted and
 * the total grows, but rows are no longer inserted: nobody reads rows
 * arriving that fast, and each insertion copied the first page and grew
 * it without bound, a cost paid in the frames of someone scrolling.
 */
export const LIVE_INSERT_MAX = 500;
const RELOAD_QUIET_MS = 1000;
/** Most often a delta of counts alone is applied (see heldCounts). */
const COUNTS_EVERY_MS = 1000;
const RELOAD_MAX_WAIT_MS = 5000;

/** `delta` with `held`'s counts added (counts-only deltas held back: see heldCounts). */
const withCounts = (delta: FlowDelta, held: FlowDelta): FlowDelta => ({
  ...delta,
  addedCount: delta.addedCount + held.addedCount,
  goneUnloaded: delta.goneUnloaded + held.goneUnloaded,
});

/** Rows the view may still put on top: none once LIVE_INSERT_MAX are in, until the first page is loaded again. */
function insertBudget(inserted: { page: unknown; rows: number }, firstPage: unknown): number {
  return inserted.page === firstPage ? Math.max(0, LIVE_INSERT_MAX - inserted.rows) : LIVE_INSERT_MAX;
}

/** `pages`: the view's loaded pages (useFlows), which the stream is reduced against. */
export function useLiveFlows(query: FlowQuery, pages: readonly Api['FlowPage'][] | undefined): LiveFlowStats {
  const queryClient = useQueryClient();
  const [stats, setStats] = useState<LiveFlowStats>({ added: 0, removed: 0, fresh: new Set() });
  const queryRef = useRef(query);
  /** Rows inserted on top since the first page was last loaded (the page object they were written into). */
  const inserted = useRef<{ page: unknown; rows: number }>({ page: null, rows: 0 });
  // A delta of counts alone (a burst once the insert budget is spent: five
  // a second) is held and applied with the next one that has rows, or after
  // COUNTS_EVERY_MS: each applied delta is a cache write and a render of the
  // table, which a scroll's frames paid for (bench 15.3c).
  const heldCounts = useRef<{ delta: FlowDelta | null; timer?: ReturnType<typeof setTimeout> }>({ delta: null });
  if (queryRef.current !== query) {
    queryRef.current = query;
    // Counts held for the old query are not the new one's.
    heldCounts.current.delta = null;
    setStats({ added: 0, removed: 0, fresh: new Set() });
  }

  // Events were lost: read the loaded pages again, in the background (the
  // table stays, and so does its scroll position), once the resync messages
  // of a burst have stopped for a moment (at most RELOAD_MAX_WAIT_MS after the first).
  const reload = useRef<{ timer?: ReturnType<typeof setTimeout>; since: number }>({ since: 0 });
  useEffect(() => () => clearTimeout(reload.current.timer), []);
  // The stream is this node's: a peer's table (node=) is polled instead (get-flows.ts).
  useLiveEvent('resync', () => {
    if (queryRef.current.node) return;
    const r = reload.current;
    const now = Date.now();
    if (r.timer === undefined) r.since = now;
    clearTimeout(r.timer);
    r.timer = setTimeout(
      () => {
        r.timer = undefined;
        void queryClient.refetchQueries({ queryKey: flowsQueryKey(queryRef.current) });
      },
      Math.max(0, Math.min(RELOAD_QUIET_MS, r.since + RELOAD_MAX_WAIT_MS - now)),
    );
  });

  // The view the stream is reduced for (flow-delta.ts): sent again when the
  // loaded rows or the insert budget change, not when only a total does.
  const setFlowView = useSetFlowView();
  const sentView = useRef<{ items: unknown[]; budget: number; query: FlowQuery | null }>({
    items: [],
    budget: -1,
    query: null,
  });
  useEffect(() => {
    if (query.node || !pages) {
      setFlowView(null);
      sentView.current = { items: [], budget: -1, query: null };
      return;
    }
    const items = pages.map((p) => p.items);
    const budget = insertBudget(inserted.current, pages[0]);
    const last = sentView.current;
    if (
      last.query === query &&
      last.budget === budget &&
      last.items.length === items.length &&
      items.every((it, i) => it === last.items[i])
    )
      return;
    sentView.current = { items, budget, query };
    setFlowView({ query, loaded: items.flatMap((it) => it.map((r) => r.id)), budget });
  }, [query, pages, setFlowView]);
  useEffect(
    () => () => {
      setFlowView(null);
      sentView.current = { items: [], budget: -1, query: null };
    },
    [setFlowView],
  );

  useEffect(() => () => clearTimeout(heldCounts.current.timer), []);
  useLiveEvent('flows', (payload) => {
    const delta = payload as FlowDelta;
    if (queryRef.current.node) return;
    const held = heldCounts.current;
    const merged = held.delta ? withCounts(delta, held.delta) : delta;
    if (delta.gone.length === 0 && delta.changed.length === 0 && delta.added.length === 0) {
      held.delta = merged;
      held.timer ??= setTimeout(() => {
        held.timer = undefined;
        const d = held.delta;
        held.delta = null;
        if (d) applyDelta(d);
      }, COUNTS_EVERY_MS);
      return;
    }
    clearTimeout(held.timer);
    held.timer = undefined;
    held.delta = null;
    applyDelta(merged);
  });

  /** One delta into the loaded pages (one cache write) and the counters. */
  function applyDelta(delta: FlowDelta): void {
    const q = queryRef.current;
    if (q.node) return;
    const key = flowsQueryKey(q);
    const current = queryClient.getQueryData<FlowsData>(key);
    if (!current || current.pages.length === 0) return;

    const now = Date.now();
    let removed = 0;
    let pages = current.pages;
    let fresh = delta.added;
    let addedCount = delta.addedCount;
    if (delta.gone.length > 0 || delta.changed.length > 0 || delta.added.length > 0) {
      // Only then are the loaded rows walked: in a burst the worker sends
      // counts alone once the insert budget is spent.
      const gone = new Set(delta.gone);
      const changed = new Map(delta.changed.map((r) => [r.id, r]));
      const touched = gone.size > 0 || changed.size > 0;
      const loadedIds = new Set<string>();
      pages = current.pages.map((p) => {
        if (!touched) {
          for (const r of p.items) loadedIds.add(r.id);
          return p;
        }
        const items: Api['FlowRow'][] = [];
        for (const r of p.items) {
          if (gone.has(r.id)) {
            removed++;
            continue;
          }
          loadedIds.add(r.id);
          const c = changed.get(r.id);
          if (c) changed.delete(r.id);
          items.push(c ?? r);
        }
        return { ...p, items };
      });
      // The view moved on since the worker was told (pages reloaded): a
      // change for a row no longer loaded is new to it, a row sent as new
      // that is loaded by now is not.
      fresh = [...changed.values(), ...delta.added].filter((r) => !loadedIds.has(r.id));
      addedCount += fresh.length - delta.added.length;
      for (const r of delta.changed) receivedAt.set(r, now);
    }
    for (const r of fresh) receivedAt.set(r, now);
    const first = pages[0];
    if (inserted.current.page !== current.pages[0]) inserted.current = { page: null, rows: 0 };
    const onTop = fresh.slice(0, insertBudget(inserted.current, current.pages[0]));
    if (first && onTop.length > 0) {
      pages = pages === current.pages ? [...pages] : pages;
      pages[0] = { ...first, items: [...onTop, ...first.items] };
      inserted.current.rows += onTop.length;
    }
    const left = removed + delta.goneUnloaded;
    const totalDelta = addedCount - left;
    if (pages === current.pages && totalDelta === 0) return;
    const next = pages.map((p) => ({ ...p, total: Math.max(0, p.total + totalDelta) }));
    inserted.current.page = next[0];
    queryClient.setQueryData<FlowsData>(key, { ...current, pages: next });

    if (addedCount > 0 || left > 0) {
      // Marked only when a few come at once (see FRESH_MARK_MAX).
      const marked = onTop.length <= FRESH_MARK_MAX ? onTop : [];
      setStats((s) => {
        if (marked.length === 0) return { ...s, added: s.added + addedCount, removed: s.removed + left };
        const f = new Set(s.fresh);
        for (const r of marked) f.add(r.id);
        return { added: s.added + addedCount, removed: s.removed + left, fresh: f };
      });
      if (marked.length > 0) {
        setTimeout(() => {
          setStats((s) => {
            const f = new Set(s.fresh);
            for (const r of marked) f.delete(r.id);
            return { ...s, fresh: f };
          });
        }, FRESH_MS);
      }
    }
  }

  return stats;
}
