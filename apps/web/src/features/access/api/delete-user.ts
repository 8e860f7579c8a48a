import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';

export const deleteUser = (id: number) => api<unknown>(paths.user(id), { method: 'DELETE' });

export function useDeleteUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteUser,
    onSettled: () => {
      for (const queryKey of [keys.users, keys.tokens, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
