import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

/** Creates a gateway forward (POST) or replaces one (PUT); `previousId` is set when editing. */
export function saveGatewayForward({
  forward,
  previousId,
}: {
  forward: Api['GatewayForward'];
  previousId?: string | null;
}) {
  return previousId
    ? api<Api['GatewayForward']>(gatewayPaths.gatewayForward(previousId), { method: 'PUT', body: forward })
    : api<Api['GatewayForward']>(gatewayPaths.gatewayForwards, { method: 'POST', body: forward });
}

export function useSaveGatewayForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: saveGatewayForward,
    onSettled: () => {
      for (const queryKey of [gatewayKeys.gatewayForwards, ...desiredStateKeys]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
}
