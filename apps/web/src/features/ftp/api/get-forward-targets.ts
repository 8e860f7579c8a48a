import { queryOptions, useQuery } from '@tanstack/react-query';
import { getForwards } from '../../../lib/forwards';
import { keys } from '../../../lib/query-keys';

/**
 * The forwards, read here to check the FTP policy against them before saving
 * (a control port must be exposed by some forward) and to spot port 990.
 * Same key as the forwards page, so the cache is shared.
 */
export const forwardTargetsQueryOptions = () =>
  queryOptions({ queryKey: keys.forwards, queryFn: ({ signal }) => getForwards(signal) });

export function useForwardTargets() {
  return useQuery(forwardTargetsQueryOptions());
}
