/**
 * Applies the live stream to the loaded connection pages: destroyed rows
 * leave, updated rows change in place, new rows that match the filters are
 * put on top and marked for a moment. One cache write per server batch.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useLiveEvent } from '../../../lib/events';
import type { Api, FlowQuery } from '../../../lib/types';
import { type FlowsData, flowsQueryKey, matchesFlowQuery, receivedAt } from './get-flows';

export interface LiveFlowStats {
  added: number;
  removed: number;
  fresh: ReadonlySet<string>;
}

const FRESH_MS = 3000;
/**
 * Most new rows put on top of the table between two loads of it. Beyond
 * that (a burst: thousands of new flows a second) new flows are counted and
 * the total grows, but rows are no longer inserted: nobody reads rows
 * arriving that fast, and each insertion copied the first page and grew
 * it without bound, a cost paid in the frames of someone scrolling.
 */
export const LIVE_INSERT_MAX = 500;
const RELOAD_QUIET_MS = 1000;
const RELOAD_MAX_WAIT_MS = 5000;

export function useLiveFlows(query: FlowQuery): LiveFlowStats {
  const queryClient = useQueryClient();
  const [stats, setStats] = useState<LiveFlowStats>({ added: 0, removed: 0, fresh: new Set() });
  const queryRef = useRef(query);
  /** Rows inserted on top since the first page was last loaded (the page object they were written into). */
  const inserted = useRef<{ page: unknown; rows: number }>({ page: null, rows: 0 });
  if (queryRef.current !== query) {
    queryRef.current = query;
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

  useLiveEvent('flows', (data) => {
    const batch = data as Api['FlowChanges'];
    if (batch.events.length === 0 || queryRef.current.node) return;
    const q = queryRef.current;
    const key = flowsQueryKey(q);
    const current = queryClient.getQueryData<FlowsData>(key);
    if (!current || current.pages.length === 0) return;

    const now = Date.now();
    let shown: Set<string> | null = null;
    // Built only when a row with a master needs it (FTP data flows are few).
    const shownId = (id: string) => {
      shown ??= new Set(current.pages.flatMap((p) => p.items.map((r) => r.id)));
      return shown.has(id);
    };
    const destroyed = new Set<string>();
    const updated = new Map<string, Api['FlowRow']>();
    const created: Api['FlowRow'][] = [];
    for (const ev of batch.events) {
      if (!matchesFlowQuery(ev.row, q, shownId)) {
        // A row that stopped matching (e.g. state changed) leaves the view.
        if (ev.type === 'update') destroyed.add(ev.row.id);
        continue;
      }
      receivedAt.set(ev.row, now);
      if (ev.type === 'destroy') destroyed.add(ev.row.id);
      else if (ev.type === 'update') updated.set(ev.row.id, ev.row);
      else created.push(ev.row);
    }

    let removed = 0;
    let pages = current.pages;
    let fresh = created;
    if (destroyed.size > 0 || updated.size > 0 || created.length > 0) {
      // Only then are the loaded rows walked (a burst of new flows with no
      // update or destroy for a loaded row leaves them as they are).
      const loadedIds = new Set<string>();
      const touched = destroyed.size > 0 || updated.size > 0;
      const walked = current.pages.map((p) => {
        if (!touched) {
          for (const r of p.items) loadedIds.add(r.id);
          return p;
        }
        const items: Api['FlowRow'][] = [];
        for (const r of p.items) {
          if (destroyed.has(r.id)) {
            removed++;
            continue;
          }
          loadedIds.add(r.id);
          items.push(updated.get(r.id) ?? r);
        }
        return { ...p, items };
      });
      pages = walked;
      // Updates for rows we have not loaded yet are new to this view.
      for (const [id, row] of updated) if (!loadedIds.has(id)) created.push(row);
      fresh = created.filter((r) => !loadedIds.has(r.id));
    }
    const first = pages[0];
    if (inserted.current.page !== current.pages[0]) inserted.current = { page: null, rows: 0 };
    const onTop = fresh.slice(0, Math.max(0, LIVE_INSERT_MAX - inserted.current.rows));
    if (first && onTop.length > 0) {
      pages = pages === current.pages ? [...pages] : pages;
      pages[0] = { ...first, items: [...onTop, ...first.items] };
      inserted.current.rows += onTop.length;
    }
    const totalDelta = fresh.length - removed;
    if (pages === current.pages && totalDelta === 0) return;
    const next = pages.map((p) => ({ ...p, total: Math.max(0, p.total + totalDelta) }));
    inserted.current.page = next[0];
    queryClient.setQueryData<FlowsData>(key, { ...current, pages: next });

    if (fresh.length > 0 || removed > 0) {
      setStats((s) => {
        if (onTop.length === 0) return { ...s, added: s.added + fresh.length, removed: s.removed + removed };
        const f = new Set(s.fresh);
        for (const r of onTop) f.add(r.id);
        return { added: s.added + fresh.length, removed: s.removed + removed, fresh: f };
      });
      if (onTop.length > 0) {
        setTimeout(() => {
          setStats((s) => {
            const f = new Set(s.fresh);
            for (const r of onTop) f.delete(r.id);
            return { ...s, fresh: f };
          });
        }, FRESH_MS);
      }
    }
  });

  return stats;
}
