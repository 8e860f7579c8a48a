import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

export const getGatewaySettings = (signal?: AbortSignal) =>
  api<Api['GatewaySettings']>(gatewayPaths.settings, { signal });

export const gatewaySettingsQueryOptions = () =>
  queryOptions({ queryKey: gatewayKeys.settings, queryFn: ({ signal }) => getGatewaySettings(signal) });

export function useGatewaySettings() {
  useInvalidateOn(['config', 'rollback'], [gatewayKeys.settings]);
  return useQuery(gatewaySettingsQueryOptions());
}
