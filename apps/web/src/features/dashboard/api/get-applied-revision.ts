import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getRevision = (id: number, signal?: AbortSignal) => api<Api['Revision']>(paths.revision(id), { signal });

export const appliedRevisionQueryOptions = (id: number | null) =>
  queryOptions({
    queryKey: [...keys.revisions, 'detail', id],
    queryFn: ({ signal }) => getRevision(id as number, signal),
    enabled: id !== null,
    staleTime: 60_000,
  });

/** Who applied the live revision, and when. */
export function useAppliedRevision(id: number | null) {
  return useQuery(appliedRevisionQueryOptions(id));
}
