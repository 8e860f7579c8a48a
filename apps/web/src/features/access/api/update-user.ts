import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Role, UserRow } from '../../../lib/types';

export const updateUser = ({ id, role }: { id: number; role: Role }) =>
  api<UserRow>(paths.user(id), { method: 'PATCH', body: { role } });

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSettled: () => {
      for (const queryKey of [keys.users, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
