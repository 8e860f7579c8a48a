import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useLiveEvent } from '../../../lib/events';
import type { Api } from '../../../lib/types';

/** How many expectations each control flow has waiting, by the flow's id (a few at most: PASV/PORT). */
export type ExpectationCounts = ReadonlyMap<string, number>;

/** `node`: the peer's name to count its expectations (proxied to its panel); empty for this node's. */
export async function getExpectationCounts(node: string, signal?: AbortSignal): Promise<ExpectationCounts> {
  const list = await api<Api['ExpectationList']>(paths.expectations, { query: { node }, signal });
  const counts = new Map<string, number>();
  for (const x of list.items) if (x.masterId) counts.set(x.masterId, (counts.get(x.masterId) ?? 0) + 1);
  return counts;
}

const key = ['flows-expectation-counts'] as const;

export const expectationCountsQueryOptions = (node = '') =>
  queryOptions({
    queryKey: [...key, node],
    queryFn: ({ signal }) => getExpectationCounts(node, signal),
    // This node's are refreshed by the stream; the peer's are not streamed here.
    refetchInterval: node ? 5000 : 15_000,
    ...(node ? { retry: false } : {}),
  });

/** Expectation counts per control flow, refreshed when the stream reports an expectation change (this node's). */
export function useExpectationCounts(node = '') {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: [...key, ''] });
  useLiveEvent('expectations', refresh);
  useLiveEvent('resync', refresh);
  return useQuery(expectationCountsQueryOptions(node));
}
