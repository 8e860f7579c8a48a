import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** The desired model becomes the applied revision's again; the kernel is not touched. */
export const discardPending = () => api<Api['DiscardResult']>('/pending/discard', { method: 'POST', body: {} });

export function useDiscardPending() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: discardPending,
    onSettled: () => {
      for (const queryKey of [...desiredStateKeys, keys.forwards, keys.ftp])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
}
