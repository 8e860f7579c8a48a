import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** A rejected or rolled-back revision's model becomes the desired state again; nothing is loaded. */
export const restoreRevision = (id: number) =>
  api<Api['RevisionRestoreResult']>(`/revisions/${id}/restore`, { method: 'POST', body: {} });

export function useRestoreRevision() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreRevision,
    onSettled: () => {
      for (const queryKey of [...desiredStateKeys, keys.forwards, keys.ftp])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
}
