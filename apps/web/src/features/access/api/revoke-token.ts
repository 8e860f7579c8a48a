import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export const revokeToken = (id: number) => api<unknown>(paths.token(id), { method: 'DELETE' });

export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeToken,
    onSettled: () => {
      for (const queryKey of [keys.tokens, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
