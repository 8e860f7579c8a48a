import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Drift repair: the active revision is loaded again, whatever the live table holds now. */
export const restoreDrift = () => api<Api['RestoreResult']>('/drift/restore', { method: 'POST', body: {} });

export function useRestoreDrift() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreDrift,
    onSettled: () => {
      for (const queryKey of appliedStateKeys) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
