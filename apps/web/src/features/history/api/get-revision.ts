import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getRevision = (id: number, signal?: AbortSignal) => api<Api['Revision']>(paths.revision(id), { signal });

/** A revision never changes once written, so its diff is cached for good. */
export const revisionQueryOptions = (id: number) =>
  queryOptions({
    queryKey: [...keys.revisions, 'detail', id],
    queryFn: ({ signal }) => getRevision(id, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });

export function useRevision(id: number, enabled: boolean) {
  return useQuery({ ...revisionQueryOptions(id), enabled });
}
