/**
 * Applies the live stream to the loaded connection pages: destroyed rows
 * leave, updated rows change in place, new rows that match the filters are
 * put on top and marked for a moment. One cache write per server batch.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { useLiveEvent } from '../../../lib/events';
import type { Api, FlowQuery } from '../../../lib/types';
import { type FlowsData, flowsQueryKey, matchesFlowQuery, receivedAt } from './get-flows';

export interface LiveFlowStats {
  added: number;
  removed: number;
  fresh: ReadonlySet<string>;
}

const FRESH_MS = 3000;

export function useLiveFlows(query: FlowQuery): LiveFlowStats {
  const queryClient = useQueryClient();
  const [stats, setStats] = useState<LiveFlowStats>({ added: 0, removed: 0, fresh: new Set() });
  const queryRef = useRef(query);
  if (queryRef.current !== query) {
    queryRef.current = query;
    setStats({ added: 0, removed: 0, fresh: new Set() });
  }

  useLiveEvent('resync', () => {
    void queryClient.resetQueries({ queryKey: flowsQueryKey(queryRef.current) });
  });

  useLiveEvent('flows', (data) => {
    const batch = data as Api['FlowChanges'];
    if (batch.events.length === 0) return;
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
    const loadedIds = new Set<string>();
    const pages = current.pages.map((p) => {
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
    // Updates for rows we have not loaded yet are new to this view.
    for (const [id, row] of updated) if (!loadedIds.has(id)) created.push(row);
    const fresh = created.filter((r) => !loadedIds.has(r.id));
    const first = pages[0];
    if (first && fresh.length > 0) pages[0] = { ...first, items: [...fresh, ...first.items] };
    const totalDelta = fresh.length - removed;
    queryClient.setQueryData<FlowsData>(key, {
      ...current,
      pages: pages.map((p) => ({ ...p, total: Math.max(0, p.total + totalDelta) })),
    });

    if (fresh.length > 0 || removed > 0) {
      setStats((s) => {
        const f = new Set(s.fresh);
        for (const r of fresh) f.add(r.id);
        return { added: s.added + fresh.length, removed: s.removed + removed, fresh: f };
      });
      if (fresh.length > 0) {
        setTimeout(() => {
          setStats((s) => {
            const f = new Set(s.fresh);
            for (const r of fresh) f.delete(r.id);
            return { ...s, fresh: f };
          });
        }, FRESH_MS);
      }
    }
  });

  return stats;
}
