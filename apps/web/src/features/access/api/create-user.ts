import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

export const createUser = (body: ApiBody['CreateUserBody']) => api<Api['User']>(paths.users, { method: 'POST', body });

export function useCreateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createUser,
    onSettled: () => {
      for (const queryKey of [keys.users, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
