import { queryOptions, useQuery } from '@tanstack/react-query';
import { getRevision, revisionKey } from '../../../lib/revision';

/** A revision never changes once written, so its diff is cached for good. */
export const revisionQueryOptions = (id: number) =>
  queryOptions({
    queryKey: revisionKey(id),
    queryFn: ({ signal }) => getRevision(id, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });

export function useRevision(id: number, enabled: boolean) {
  return useQuery({ ...revisionQueryOptions(id), enabled });
}
