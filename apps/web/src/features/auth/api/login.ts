import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths, setCsrfToken } from '../../../lib/api';
import { sessionKey } from '../../../lib/session';
import type { SessionUser } from '../../../lib/types';

export interface LoginInput {
  username: string;
  password: string;
}

export async function login(input: LoginInput): Promise<SessionUser> {
  const user = await api<SessionUser>(paths.login, { method: 'POST', body: input });
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
