import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { desiredStateKeys, keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/** Inline enable/disable: the whole forward is sent back with `enabled` flipped. */
export function toggleForward(forward: Api['PortForward'], enabled: boolean) {
  return api<Api['PortForward']>(paths.forward(forward.id), { method: 'PUT', body: { ...forward, enabled } });
}

export function useToggleForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ forward, enabled }: { forward: Api['PortForward']; enabled: boolean }) =>
      toggleForward(forward, enabled),
    // Optimistic: the switch moves at once and moves back if the server refuses.
    onMutate: async ({ forward, enabled }) => {
      await queryClient.cancelQueries({ queryKey: keys.forwards });
      const previous = queryClient.getQueryData<Api['PortForward'][]>(keys.forwards);
      queryClient.setQueryData<Api['PortForward'][]>(keys.forwards, (list) =>
        list?.map((f) => (f.id === forward.id ? { ...f, enabled } : f)),
      );
      return { previous };
    },
    onError: (_err, _vars, ctx) => {
      if (ctx?.previous) queryClient.setQueryData(keys.forwards, ctx.previous);
    },
    onSettled: () => {
      for (const queryKey of [keys.forwards, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
