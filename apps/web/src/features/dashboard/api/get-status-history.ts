import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Api } from '../../../lib/types';

/** GET /status/history: the server's samples of what the chart shows, oldest first. */
export const STATUS_HISTORY_PATH = '/status/history';

export const getStatusHistory = (signal?: AbortSignal) => api<Api['StatusHistory']>(STATUS_HISTORY_PATH, { signal });

/** Read once per page load: afterwards the chart is extended from live events and the status poll. */
export const statusHistoryQueryOptions = () =>
  queryOptions({
    queryKey: ['status', 'history'] as const,
    queryFn: ({ signal }) => getStatusHistory(signal),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });

export function useStatusHistory() {
  return useQuery(statusHistoryQueryOptions());
}
