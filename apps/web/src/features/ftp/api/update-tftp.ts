import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';
import { tftpKey } from './get-tftp';

export const updateTftpPolicy = (policy: Api['TftpHelperPolicy']) =>
  api<Api['TftpHelperPolicy']>(paths.tftp, { method: 'PUT', body: policy });

export function useUpdateTftpPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateTftpPolicy,
    onSuccess: (saved) => {
      if (saved && typeof saved === 'object' && 'ports' in saved) queryClient.setQueryData(tftpKey, saved);
    },
    onSettled: () => {
      for (const queryKey of [tftpKey, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
