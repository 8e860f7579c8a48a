import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import type { Api } from '../../../lib/types';

export const getAccounting = (signal?: AbortSignal) =>
  api<Api['ConntrackAccounting']>(`${paths.flows}/accounting`, { signal });

export const accountingQueryOptions = () =>
  queryOptions({
    queryKey: ['flows-accounting'] as const,
    queryFn: ({ signal }) => getAccounting(signal),
    staleTime: 60_000,
  });

/** Whether the kernel counts packets and bytes per flow and stamps its start. */
export function useAccounting() {
  return useQuery(accountingQueryOptions());
}
