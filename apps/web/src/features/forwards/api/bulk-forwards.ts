import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

/** Enables, disables or deletes many forwards as one change of the desired state. */
export const bulkForwards = (body: ApiBody['ForwardBulkBody']) =>
  api<Api['ForwardBulkResult']>(`${paths.forwards}/bulk`, { method: 'POST', body });

export function useBulkForwards() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: bulkForwards,
    onSettled: () => {
      for (const queryKey of [keys.forwards, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
