import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const forwardHitsKey = [...keys.forwards, 'hits'] as const;

export const getForwardHits = (signal?: AbortSignal) =>
  api<Api['ForwardHitList']>(`${paths.forwards}/hits`, { signal }).then(
    (r) => new Map(r.items.map((h) => [h.forwardId, h])),
  );

export const forwardHitsQueryOptions = () =>
  queryOptions({ queryKey: forwardHitsKey, queryFn: ({ signal }) => getForwardHits(signal), refetchInterval: 15_000 });

/** Hit totals per forward id, kept across applies. */
export function useForwardHits() {
  useInvalidateOn(['apply', 'rollback'], [forwardHitsKey]);
  return useQuery(forwardHitsQueryOptions());
}
