import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useLiveEvent } from '../../../lib/events';
import type { Api } from '../../../lib/types';

/** How many expectations each control flow has waiting, by the flow's id (a few at most: PASV/PORT). */
export type ExpectationCounts = ReadonlyMap<string, number>;

export async function getExpectationCounts(signal?: AbortSignal): Promise<ExpectationCounts> {
  const list = await api<Api['ExpectationList']>(paths.expectations, { signal });
  const counts = new Map<string, number>();
  for (const x of list.items) if (x.masterId) counts.set(x.masterId, (counts.get(x.masterId) ?? 0) + 1);
  return counts;
}

const key = ['flows-expectation-counts'] as const;

export const expectationCountsQueryOptions = () =>
  queryOptions({
    queryKey: key,
    queryFn: ({ signal }) => getExpectationCounts(signal),
    refetchInterval: 15_000,
  });

/** Expectation counts per control flow, refreshed when the stream reports an expectation change. */
export function useExpectationCounts() {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: key });
  useLiveEvent('expectations', refresh);
  useLiveEvent('resync', refresh);
  return useQuery(expectationCountsQueryOptions());
}
