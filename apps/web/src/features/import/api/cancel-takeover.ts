import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import type { Api } from '../../../lib/types';
import { importKey } from './get-proposal';

/** The next apply retires nothing (the adopted model stays the desired one). */
export const cancelTakeover = () => api<Api['PendingTakeover']>(paths.importTakeover, { method: 'DELETE' });

export function useCancelTakeover() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelTakeover,
    onSettled: () => void queryClient.invalidateQueries({ queryKey: importKey }),
  });
}
