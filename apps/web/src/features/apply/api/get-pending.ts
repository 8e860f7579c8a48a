import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** What an apply would change, in plain words; under the preview key so whatever refreshes the preview refreshes it. */
export const pendingKey = [...keys.preview, 'summary'] as const;

export const getPending = (signal?: AbortSignal) => api<Api['PendingSummary']>('/pending', { signal });

export const pendingQueryOptions = () =>
  queryOptions({ queryKey: pendingKey, queryFn: ({ signal }) => getPending(signal), staleTime: 0 });

export function usePendingSummary() {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'config'], [pendingKey]);
  return useQuery(pendingQueryOptions());
}
