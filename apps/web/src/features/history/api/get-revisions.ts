import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

const PAGE = 50;

export const getRevisions = (before: number | undefined, signal?: AbortSignal) =>
  api<Api['RevisionPage']>(paths.revisions, { query: { limit: PAGE, before }, signal });

export const revisionsQueryOptions = () =>
  infiniteQueryOptions({
    queryKey: [...keys.revisions, 'list'],
    queryFn: ({ pageParam, signal }) => getRevisions(pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });

export function useRevisions() {
  useInvalidateOn(['apply', 'confirm', 'rollback'], [keys.revisions]);
  return useInfiniteQuery(revisionsQueryOptions());
}
