import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
import { DEGRADED_QUERY } from '../../../lib/pair-apply';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Keeps the provisional apply (on both nodes of a pair; `degraded`: on this node only while the peer is unreachable). */
export const confirmApply = (opts?: { degraded?: boolean }) =>
  api<Api['ConfirmResult']>(paths.applyConfirm, {
    method: 'POST',
    body: {},
    ...(opts?.degraded ? { query: DEGRADED_QUERY } : {}),
  });

export function useConfirmApply() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmApply,
    onSettled: () => {
      // The pair's state (a pair node, its peer's revision) changes with the applied revision too.
      for (const queryKey of [...appliedStateKeys, pairKey]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
