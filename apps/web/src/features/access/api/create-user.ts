import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Role, UserRow } from '../../../lib/types';

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

export const createUser = (body: NewUser) => api<UserRow>(paths.users, { method: 'POST', body });

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSettled: () => {
      for (const queryKey of [keys.users, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
