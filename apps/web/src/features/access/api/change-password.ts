import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

/** POST /auth/password: one's own password, with a session only; ends the user's other sessions and tokens. */
export const CHANGE_PASSWORD_PATH = '/auth/password';

export const changePassword = (body: ApiBody['ChangePasswordBody']) =>
  api<Api['Ok']>(CHANGE_PASSWORD_PATH, { method: 'POST', body });

export function useChangePassword() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changePassword,
    onSettled: () => {
      for (const queryKey of [keys.tokens, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
