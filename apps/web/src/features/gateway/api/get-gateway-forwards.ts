import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

export const getGatewayForwards = (signal?: AbortSignal) =>
  api<Api['GatewayForwardList']>(gatewayPaths.gatewayForwards, { signal }).then((r) => r.items);

export const gatewayForwardsQueryOptions = () =>
  queryOptions({ queryKey: gatewayKeys.gatewayForwards, queryFn: ({ signal }) => getGatewayForwards(signal) });

export function useGatewayForwards() {
  useInvalidateOn(['config', 'rollback'], [gatewayKeys.gatewayForwards]);
  return useQuery(gatewayForwardsQueryOptions());
}
