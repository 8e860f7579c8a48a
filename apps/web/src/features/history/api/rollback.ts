import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { appliedStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Restores a revision; it is provisional like any apply, so the banner asks to confirm it. */
export const rollbackTo = (id: number, confirmWithinSeconds = 120) =>
  api<Api['ApplyResult']>(paths.revisionRollback(id), { method: 'POST', body: { confirmWithinSeconds } });

export function useRollback() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => rollbackTo(id),
    onSettled: () => {
      for (const queryKey of [...appliedStateKeys, keys.forwards, keys.ftp])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
}
