import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Imports forwards (an exported list): merged by id, or replacing the list. */
export const importForwards = (body: { mode: 'merge' | 'replace'; forwards: unknown[] }) =>
  api<Api['ForwardImportResult']>(`${paths.forwards}/import`, { method: 'POST', body });

export function useImportForwards() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: importForwards,
    onSettled: () => {
      for (const queryKey of [keys.forwards, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
