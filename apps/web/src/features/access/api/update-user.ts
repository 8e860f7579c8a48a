import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

export const updateUser = ({ id, ...change }: ApiBody['UpdateUserBody'] & { id: number }) =>
  api<Api['User']>(paths.user(id), { method: 'PATCH', body: change });

export function useUpdateUser() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateUser,
    onSettled: () => {
      for (const queryKey of [keys.users, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
