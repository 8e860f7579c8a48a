import { infiniteQueryOptions, keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { api, apiUrl, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

const PAGE = 50;

/** What the log is narrowed to (GET /audit's filters); empty strings mean "any". */
export type AuditFilter = Pick<Api['AuditQuery'], 'actor' | 'action' | 'target' | 'since' | 'until'>;

export const getAudit = (filter: AuditFilter, before: number | undefined, signal?: AbortSignal) =>
  api<Api['AuditPage']>(paths.audit, { query: { ...filter, limit: PAGE, before }, signal });

/** The CSV export of the same filter: a plain link, so the browser downloads it with the session cookie. */
export const auditCsvUrl = (filter: AuditFilter): string => apiUrl('/audit.csv', filter);

export const auditQueryOptions = (filter: AuditFilter) =>
  infiniteQueryOptions({
    queryKey: [...keys.audit, 'log', filter],
    queryFn: ({ pageParam, signal }) => getAudit(filter, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });

export function useAudit(filter: AuditFilter) {
  useInvalidateOn(['apply', 'confirm', 'rollback', 'config', 'audit'], [keys.audit]);
  return useInfiniteQuery(auditQueryOptions(filter));
}
