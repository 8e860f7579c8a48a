import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Api } from '../../../lib/types';

/** GET /pair: the HA pair as this node sees it. */
export const PAIR_PATH = '/pair';

export const pairQueryOptions = () =>
  queryOptions({
    queryKey: ['pair'] as const,
    queryFn: ({ signal }) => api<Api['PairStatus']>(PAIR_PATH, { signal }),
    // A takeover is over in seconds: the page follows it.
    refetchInterval: 3000,
  });

export function usePair() {
  return useQuery(pairQueryOptions());
}
