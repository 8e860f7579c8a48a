import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

/** Inline enable/disable: the whole gateway forward is sent back with `enabled` flipped. */
export const toggleGatewayForward = ({ forward, enabled }: { forward: Api['GatewayForward']; enabled: boolean }) =>
  api<Api['GatewayForward']>(gatewayPaths.gatewayForward(forward.id), {
    method: 'PUT',
    body: { ...forward, enabled },
  });

export function useToggleGatewayForward() {
  const queryClient = useQueryClient();
  const key = gatewayKeys.gatewayForwards;
  return useMutation({
    mutationFn: toggleGatewayForward,
    // Optimistic: the switch moves at once and moves back if the server refuses.
    onMutate: async ({ forward, enabled }) => {
      await queryClient.cancelQueries({ queryKey: key });
      const previous = queryClient.getQueryData<Api['GatewayForward'][]>(key);
      queryClient.setQueryData<Api['GatewayForward'][]>(key, (list) =>
        list?.map((f) => (f.id === forward.id ? { ...f, enabled } : f)),
      );
      return { previous };
    },
    onError: (_err, _vars, ctx) => {
      if (ctx?.previous) queryClient.setQueryData(key, ctx.previous);
    },
    onSettled: () => {
      for (const queryKey of [key, ...desiredStateKeys]) void queryClient.invalidateQueries({ queryKey });
    },
  });
}
