import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

/**
 * The forwards, read here to check the FTP policy against them before saving
 * (a control port must be exposed by some forward) and to spot port 990.
 * Same key as the forwards page, so the cache is shared.
 */
export const getForwardTargets = (signal?: AbortSignal) =>
  api<{ items: Api['PortForward'][] }>(paths.forwards, { signal }).then((r) => r.items);

export const forwardTargetsQueryOptions = () =>
  queryOptions({ queryKey: keys.forwards, queryFn: ({ signal }) => getForwardTargets(signal) });

export function useForwardTargets() {
  return useQuery(forwardTargetsQueryOptions());
}
