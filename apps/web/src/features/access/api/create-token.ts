import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

/** The response carries the secret once; it is never stored in the query cache. */
export const createToken = (body: ApiBody['CreateTokenBody']) =>
  api<Api['CreatedToken']>(paths.tokens, { method: 'POST', body });

export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createToken,
    onSettled: () => {
      for (const queryKey of [keys.tokens, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
