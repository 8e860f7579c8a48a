import { useQuery } from '@tanstack/react-query';
import { pairQueryOptions, useInvalidatePairOnChange } from '../../../lib/pair';

/**
 * GET /pair: the HA pair as this node sees it (the query is shared:
 * lib/pair.ts), read again at once on a pair event (a takeover, a failover
 * by hand) and an apply, which can change the peer's state.
 */
export function usePair() {
  useInvalidatePairOnChange();
  return useQuery(pairQueryOptions());
}
