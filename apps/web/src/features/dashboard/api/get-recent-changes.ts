import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getRecentChanges = (limit: number, signal?: AbortSignal) =>
  api<Api['AuditPage']>(paths.audit, { query: { limit }, signal });

export const recentChangesQueryOptions = (limit = 8) =>
  queryOptions({
    queryKey: [...keys.audit, 'recent', limit],
    queryFn: ({ signal }) => getRecentChanges(limit, signal),
    refetchInterval: 30_000,
  });

export function useRecentChanges(limit = 8) {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'config', 'audit'], [keys.audit]);
  return useQuery(recentChangesQueryOptions(limit));
}
