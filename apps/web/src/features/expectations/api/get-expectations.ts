import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useLiveEvent } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** When each row was read, for the countdown. */
export const expectationReceivedAt = new WeakMap<Api['ExpectationRow'], number>();

/** `node`: a pair's peer by name (its panel answers, proxied); empty for this node's table. */
export async function getExpectations(node: string, signal?: AbortSignal): Promise<Api['ExpectationList']> {
  const list = await api<Api['ExpectationList']>(paths.expectations, { query: { node }, signal });
  const at = Date.now();
  for (const row of list.items) expectationReceivedAt.set(row, at);
  return list;
}

/** This node's table under keys.expectations itself (what the stream updates), a peer's beside it. */
const expectationsKey = (node: string) => (node ? ([...keys.expectations, node] as const) : keys.expectations);

export const expectationsQueryOptions = (node = '') =>
  queryOptions({
    queryKey: expectationsKey(node),
    queryFn: ({ signal }) => getExpectations(node, signal),
    // Expectations live seconds; the stream keeps this node's table current, a
    // slow poll catches anything missed. The peer's is not streamed: polled.
    refetchInterval: node ? 5000 : 30_000,
    // The peer's is read again at the next poll: no retries in between (its 502 says it is down).
    ...(node ? { retry: false } : {}),
  });

export function useExpectations(node = '') {
  const queryClient = useQueryClient();
  useLiveEvent('resync', () => void queryClient.invalidateQueries({ queryKey: keys.expectations, exact: true }));
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
  return useQuery(expectationsQueryOptions(node));
}
