import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** What rolling back to a revision would change against the live one (changes with every apply). */
export const compareRevision = (id: number, signal?: AbortSignal) =>
  api<Api['RevisionCompare']>(`/revisions/${id}/compare`, { signal });

export const compareQueryOptions = (id: number) =>
  queryOptions({
    queryKey: [...keys.revisions, 'compare', id],
    queryFn: ({ signal }) => compareRevision(id, signal),
    staleTime: 0,
  });

export function useCompareRevision(id: number) {
  useInvalidateOn(['apply', 'rollback'], [keys.revisions]);
  return useQuery(compareQueryOptions(id));
}
