import { queryOptions, useQuery } from '@tanstack/react-query';
import { getRevision, revisionKey } from '../../../lib/revision';

export const appliedRevisionQueryOptions = (id: number | null) =>
  queryOptions({
    queryKey: revisionKey(id),
    queryFn: ({ signal }) => getRevision(id as number, signal),
    enabled: id !== null,
    staleTime: 60_000,
  });

/** Who applied the live revision, and when. */
export function useAppliedRevision(id: number | null) {
  return useQuery(appliedRevisionQueryOptions(id));
}
