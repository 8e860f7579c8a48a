import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** The live table becomes the desired model, checked against the version the preview was read at. */
export const adoptDrift = (desiredVersion: number) =>
  api<Api['AdoptResult']>('/drift/adopt', { method: 'POST', body: {}, ifMatch: `"v${desiredVersion}"` });

export function useAdoptDrift() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: adoptDrift,
    onSettled: () => {
      for (const queryKey of [...desiredStateKeys, keys.forwards, keys.ftp])
        void queryClient.invalidateQueries({ queryKey });
    },
  });
}
