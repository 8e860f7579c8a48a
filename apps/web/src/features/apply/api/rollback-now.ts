import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
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
      // The pair's state (a pair node, its peer's revision) changes with the applied revision too.
      for (const queryKey of [...appliedStateKeys, pairKey]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
