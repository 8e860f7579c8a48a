import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api';
import type { Api } from '../../../lib/types';
import { gatewayKeys, gatewayPaths } from './paths';

/** The interface and address this browser's connection arrived on (GET /session/connection). */
export const getSessionConnection = (signal?: AbortSignal) =>
  api<Api['SessionConnection']>(gatewayPaths.connection, { signal });

export const sessionConnectionQueryOptions = () =>
  queryOptions({ queryKey: gatewayKeys.connection, queryFn: ({ signal }) => getSessionConnection(signal) });

export function useSessionConnection() {
  return useQuery(sessionConnectionQueryOptions());
}
