import {
  type InfiniteData,
  infiniteQueryOptions,
  useInfiniteQuery,
  usePrefetchInfiniteQuery,
} from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api, FlowQuery } from '../../../lib/types';

/** Rows per request; the server allows up to 1000. */
export const FLOW_PAGE_SIZE = 500;

/** How often a table that fits one page is read again for its counters. */
const COUNTERS_REFRESH_MS = 5000;

/** How often the peer's table (GET /conntrack?node=<peer>, proxied to its panel) is read again. */
export const PEER_REFRESH_MS = 5000;

/** When each row was read, so its timeout can count down between updates without refetching. */
export const receivedAt = new WeakMap<Api['FlowRow'], number>();

export async function getFlows(
  query: FlowQuery,
  cursor: string | undefined,
  signal?: AbortSignal,
): Promise<Api['FlowPage']> {
  const page = await api<Api['FlowPage']>(paths.flows, {
    query: { ...query, limit: FLOW_PAGE_SIZE, cursor },
    ...{ signal },
  });
  const at = Date.now();
  for (const row of page.items) receivedAt.set(row, at);
  return page;
}

export const flowsQueryKey = (query: FlowQuery) => [...keys.flows, query] as const;

export const flowsQueryOptions = (query: FlowQuery) =>
  infiniteQueryOptions({
    queryKey: flowsQueryKey(query),
    queryFn: ({ pageParam, signal }) => getFlows(query, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // The live stream keeps loaded rows current; a refetch would reload every page.
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    // Every live batch writes the pages (live-flows.ts); structural sharing
    // compared them deeply each time, and a row put on top shifted the
    // first page, so its rows were compared field by field against others.
    structuralSharing: false,
    // Except the packet and byte counters, which flow events do not carry: a
    // table that fits one page is read again every few seconds for them. A
    // peer's table (node=) has no stream here: it is read again each time.
    // The peer's answer is read again at the next poll: no retries in between (its 502 says it is down).
    ...(query.node ? { retry: false } : {}),
    refetchInterval: (q) => {
      if (query.node) return PEER_REFRESH_MS;
      const pages = q.state.data?.pages;
      return pages?.length === 1 && pages[0]?.nextCursor === null ? COUNTERS_REFRESH_MS : false;
    },
  });

export type FlowsData = InfiniteData<Api['FlowPage'], string | undefined>;

export function useFlows(query: FlowQuery) {
  const options = flowsQueryOptions(query);
  // The first page is asked for while the page renders, not once it has
  // committed: a lazily loaded page's first commit waits for React's
  // Suspense reveal throttle (up to 300 ms after the route's fallback
  // showed), and the request, started from an effect, waited with it. Now
  // the server's answer (a top-k selection over a million flows takes
  // longer than over a thousand: bench 15.3a) overlaps that wait. Skipped
  // when the query already has a state (cached, or already in flight).
  usePrefetchInfiniteQuery(options);
  return useInfiniteQuery(options);
}
