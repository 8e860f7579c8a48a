import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Removes a revoked or expired token for good (the server refuses a usable one: 409 token_active). */
export const removeToken = (id: number) =>
  api<Api['ApiToken']>(paths.token(id), { method: 'DELETE', query: { purge: 'true' } });

export function useRemoveToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeToken,
    onSettled: () => {
      for (const queryKey of [keys.tokens, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
