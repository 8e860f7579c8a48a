import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const updateFtpPolicy = (policy: Api['FtpHelperPolicy']) =>
  api<Api['FtpHelperPolicy']>(paths.ftp, { method: 'PUT', body: policy });

export function useUpdateFtpPolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateFtpPolicy,
    onSuccess: (saved) => {
      if (saved && typeof saved === 'object' && 'controlPorts' in saved) queryClient.setQueryData(keys.ftp, saved);
    },
    onSettled: () => {
      for (const queryKey of [keys.ftp, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
