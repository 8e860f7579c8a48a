import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useLiveEvent } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** When each row was read, for the countdown. */
export const expectationReceivedAt = new WeakMap<Api['ExpectationRow'], number>();

export async function getExpectations(signal?: AbortSignal): Promise<Api['ExpectationList']> {
  const list = await api<Api['ExpectationList']>(paths.expectations, { signal });
  const at = Date.now();
  for (const row of list.items) expectationReceivedAt.set(row, at);
  return list;
}

export const expectationsQueryOptions = () =>
  queryOptions({
    queryKey: keys.expectations,
    queryFn: ({ signal }) => getExpectations(signal),
    // Expectations live seconds; the stream keeps the table current, a slow poll catches anything missed.
    refetchInterval: 30_000,
  });

export function useExpectations() {
  const queryClient = useQueryClient();
  useLiveEvent('resync', () => void queryClient.invalidateQueries({ queryKey: keys.expectations }));
  useLiveEvent('expectations', (data) => {
    const batch = data as Api['ExpectationChanges'];
    if (batch.events.length === 0) return;
    const now = Date.now();
    queryClient.setQueryData<Api['ExpectationList']>(keys.expectations, (list) => {
      if (!list) return list;
      const byId = new Map(list.items.map((r) => [r.id, r]));
      for (const ev of batch.events) {
        if (ev.type === 'destroy') byId.delete(ev.row.id);
        else {
          expectationReceivedAt.set(ev.row, now);
          byId.set(ev.row.id, ev.row);
        }
      }
      const items = [...byId.values()];
      return { items, total: items.length };
    });
  });
  return useQuery(expectationsQueryOptions());
}
