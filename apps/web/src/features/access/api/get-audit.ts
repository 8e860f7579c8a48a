import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

const PAGE = 50;

export const getAudit = (before: number | undefined, signal?: AbortSignal) =>
  api<Api['AuditPage']>(paths.audit, { query: { limit: PAGE, before }, signal });

export const auditQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: [...keys.audit, 'log'],
    queryFn: ({ pageParam, signal }) => getAudit(pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export function useAudit() {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'config', 'audit'], [keys.audit]);
  return useInfiniteQuery(auditQueryOptions());
}
