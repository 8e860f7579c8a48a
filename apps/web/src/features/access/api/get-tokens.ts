import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getTokens = (signal?: AbortSignal) => api<Api['TokenList']>(paths.tokens, { signal }).then((r) => r.items);

export const tokensQueryOptions = () =>
  queryOptions({ queryKey: keys.tokens, queryFn: ({ signal }) => getTokens(signal) });

export function useTokens() {
  return useQuery(tokensQueryOptions());
}
