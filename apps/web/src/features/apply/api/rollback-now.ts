import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Undoes the provisional apply at once instead of at its deadline. */
export const rollBackNow = () => api<Api['RestoreResult']>('/apply/rollback-now', { method: 'POST', body: {} });

export function useRollBackNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rollBackNow,
    onSettled: () => {
      for (const queryKey of appliedStateKeys) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
