import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths, setCsrfToken } from '../../../lib/api';
import { sessionKey } from '../../../lib/session';
import type { Api, ApiBody } from '../../../lib/types';

export async function login(input: ApiBody['LoginBody']): Promise<Api['Me']> {
  const user = await api<Api['Me']>(paths.login, { method: 'POST', body: input });
  setCsrfToken(user.csrfToken);
  return user;
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (user) => {
      queryClient.clear();
      queryClient.setQueryData(sessionKey, user);
    },
  });
}
