import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { desiredStateKeys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

export const updateGatewaySettings = (settings: Api['GatewaySettings']) =>
  api<Api['GatewaySettings']>(gatewayPaths.settings, { method: 'PUT', body: settings });

export function useUpdateGatewaySettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateGatewaySettings,
    onSuccess: (saved) => queryClient.setQueryData(gatewayKeys.settings, saved),
    onSettled: () => {
      for (const queryKey of [gatewayKeys.settings, ...desiredStateKeys]) {
        void queryClient.invalidateQueries({ queryKey });
      }
    },
  });
}
