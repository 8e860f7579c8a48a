import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/**
 * POST /pair/failover: this node stops its keepalived, so the peer takes the
 * virtual addresses (conntrackd has its connections already);
 * POST /pair/resume starts it again. Both change who is MASTER.
 */
export const PAIR_FAILOVER_PATH = '/pair/failover';
export const PAIR_RESUME_PATH = '/pair/resume';

const post =
  <T>(path: string) =>
  () =>
    api<T>(path, { method: 'POST', body: {} });

function usePairAction<T>(path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: post<T>(path),
    onSettled: () => {
      for (const queryKey of [pairKey, keys.audit]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}

export const useFailover = () => usePairAction<Api['PairFailoverResult']>(PAIR_FAILOVER_PATH);
export const useResume = () => usePairAction<Api['PairResumeResult']>(PAIR_RESUME_PATH);
