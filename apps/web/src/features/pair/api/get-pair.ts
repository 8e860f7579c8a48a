import { useQuery } from '@tanstack/react-query';
import { pairQueryOptions } from '../../../lib/pair';

/** GET /pair: the HA pair as this node sees it (the query is shared: lib/pair.ts). */
export function usePair() {
  return useQuery(pairQueryOptions());
}
