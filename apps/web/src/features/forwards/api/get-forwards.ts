import { queryOptions, useQuery } from '@tanstack/react-query';
import { useInvalidateOn } from '../../../lib/events';
import { getForwards } from '../../../lib/forwards';
import { keys } from '../../../lib/query-keys';

export const forwardsQueryOptions = () =>
  queryOptions({ queryKey: keys.forwards, queryFn: ({ signal }) => getForwards(signal) });

export function useForwards() {
  useInvalidateOn(['config', 'rollback'], [keys.forwards]);
  return useQuery(forwardsQueryOptions());
}
