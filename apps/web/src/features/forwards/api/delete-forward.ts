import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';

export const deleteForward = (id: string) => api<unknown>(paths.forward(id), { method: 'DELETE' });

export function useDeleteForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteForward,
    onSettled: () => {
      for (const queryKey of [keys.forwards, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
