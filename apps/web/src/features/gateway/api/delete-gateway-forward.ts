import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import { gatewayKeys, gatewayPaths } from './paths';

export const deleteGatewayForward = (id: string) => api<unknown>(gatewayPaths.gatewayForward(id), { method: 'DELETE' });

export function useDeleteGatewayForward() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteGatewayForward,
    onSettled: () => {
      for (const queryKey of [gatewayKeys.gatewayForwards, ...desiredStateKeys]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
}
