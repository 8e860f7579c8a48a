import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, paths } from '../../../lib/api';
import { useInvalidateOn } from '../../../lib/events';
import { keys } from '../../../lib/query-keys';
import type { Api } from '../../../lib/types';

export const getForwards = (signal?: AbortSignal) =>
  api<{ items: Api['PortForward'][] }>(paths.forwards, { signal }).then((r) => r.items);

export const forwardsQueryOptions = () =>
  queryOptions({ queryKey: keys.forwards, queryFn: ({ signal }) => getForwards(signal) });

export function useForwards() {
  useInvalidateOn(['config', 'rollback'], [keys.forwards]);
  return useQuery(forwardsQueryOptions());
}
