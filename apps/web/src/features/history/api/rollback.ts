import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
import { DEGRADED_QUERY } from '../../../lib/pair-apply';
import { appliedStateKeys, keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

export interface RollbackRequest {
  id: number;
  body: ApiBody['RollbackBody'];
  /** A pair node whose peer is unreachable rolls back on itself only (the operator asked). */
  degraded?: boolean;
}

/** Restores a revision, provisionally when a window is given: the banner then asks to confirm it. */
export const rollbackTo = ({ id, body, degraded }: RollbackRequest) =>
  api<Api['ApplyResult']>(paths.revisionRollback(id), {
    method: 'POST',
    body,
    ...(degraded ? { query: DEGRADED_QUERY } : {}),
  });

export function useRollback() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rollbackTo,
    onSettled: () => {
      for (const queryKey of [...appliedStateKeys, pairKey, keys.forwards, keys.ftp])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
}
