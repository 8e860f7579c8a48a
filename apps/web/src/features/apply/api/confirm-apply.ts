import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const confirmApply = () => api<Api['ConfirmResult']>(paths.applyConfirm, { method: 'POST', body: {} });

export function useConfirmApply() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: confirmApply,
    onSettled: () => {
      for (const queryKey of appliedStateKeys) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
