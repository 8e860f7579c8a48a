import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, itemsOf, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { TokenRow } from '../../../lib/types';

export const getTokens = (signal?: AbortSignal) =>
  api<TokenRow[] | { items: TokenRow[] }>(paths.tokens, signal ? { signal } : {}).then(itemsOf);

export const tokensQueryOptions = () =>
  queryOptions({ queryKey: keys.tokens, queryFn: ({ signal }) => getTokens(signal) });

export function useTokens() {
  return useQuery(tokensQueryOptions());
}
