import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import type { Api } from '../../../lib/types';

export const importKey = ['import'] as const;

/** The proposal read from the live ruleset (a preview: nothing changes). */
export const getProposal = (signal?: AbortSignal) => api<Api['ImportProposal']>(paths.importProposal, { signal });

export const proposalQueryOptions = () =>
  queryOptions({
    queryKey: [...importKey, 'proposal'],
    queryFn: ({ signal }) => getProposal(signal),
    // It lists the kernel's tables, which change under applies: never older than the page.
    staleTime: 0,
  });

export function useProposal() {
  useInvalidateOn(['config', 'apply', 'rollback'], [importKey]);
  return useQuery(proposalQueryOptions());
}
