/**
 * GET /status: the gateway at a glance. Shared because the dashboard shows it
 * and the app shell's confirmation banner reads `pending` from it.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from './api';
import { useInvalidateOn } from './events';
import { keys } from './query-keys';
import type { Api } from './types';

export const getStatus = ({ signal }: { signal?: AbortSignal } = {}) => api<Api['Status']>(paths.status, { signal });

export const statusQueryOptions = () =>
  queryOptions({ queryKey: keys.status, queryFn: ({ signal }) => getStatus({ signal }), refetchInterval: 10_000 });

export function useStatus() {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'drift', 'config'], [keys.status]);
  return useQuery(statusQueryOptions());
}
