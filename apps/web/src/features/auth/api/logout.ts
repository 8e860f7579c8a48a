import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths, setCsrfToken } from '../../../lib/api';
import { sessionKey } from '../../../lib/session';

export async function logout(): Promise<void> {
  await api<unknown>(paths.logout, { method: 'POST' });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      queryClient.setQueryData(sessionKey, null);
    },
  });
}
