import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { DEGRADED_QUERY } from '../../../lib/pair-apply';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/**
 * Undoes the provisional apply at once instead of at its deadline (on both
 * nodes of a pair; `degraded`: on this node only while the peer is unreachable).
 */
export const rollBackNow = (opts?: { degraded?: boolean }) =>
  api<Api['RestoreResult']>('/apply/rollback-now', {
    method: 'POST',
    body: {},
    ...(opts?.degraded ? { query: DEGRADED_QUERY } : {}),
  });

export function useRollBackNow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rollBackNow,
    onSettled: () => {
      for (const queryKey of appliedStateKeys) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
