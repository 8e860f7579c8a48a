import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Creates a forward (POST) or replaces one (PUT); `previousId` is set when editing. */
export function saveForward({ forward, previousId }: { forward: Api['PortForward']; previousId?: string | null }) {
  return previousId
    ? api<Api['PortForward']>(paths.forward(previousId), { method: 'PUT', body: forward })
    : api<Api['PortForward']>(paths.forwards, { method: 'POST', body: forward });
}

export function useSaveForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveForward,
    onSettled: () => {
      for (const queryKey of [keys.forwards, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
