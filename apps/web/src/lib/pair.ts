/**
 * GET /pair, shared: the Pair page shows it, and the pages that can show
 * either node (Connections, Expectations) and History read which nodes the
 * pair has. Those read only the names (a `select`), so the pair's sync
 * figures, polled every few seconds on the Pair page, do not re-render them.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './api';
import { useInvalidateOn } from './events';
import type { Api } from './types';

export const PAIR_PATH = '/pair';
export const pairKey = ['pair'] as const;

export const pairQueryOptions = () =>
  queryOptions({
    queryKey: pairKey,
    queryFn: ({ signal }) => api<Api['PairStatus']>(PAIR_PATH, { signal }),
    // A takeover is over in seconds: the Pair page follows it.
    refetchInterval: 3000,
  });

/** The two nodes by name, this one first; null when this gateway is not a pair node. */
export interface PairNodes {
  self: string;
  peer: string;
}

export function pairNodesOf(p: Api['PairStatus']): PairNodes | null {
  return p.configured && p.node !== null && p.peer !== null ? { self: p.node, peer: p.peer } : null;
}

/**
 * What changes the pair's names and state: a revision applied, confirmed or
 * rolled back (the first pair revision makes this node a pair node), and the
 * pair's own events. Every reader of the shared query refreshes it on them,
 * so a page never keeps an answer from before the pair existed.
 */
const PAIR_CHANGES = ['pair', 'apply', 'confirm', 'rollback'] as const;

export function useInvalidatePairOnChange(): void {
  useInvalidateOn([...PAIR_CHANGES], [pairKey]);
}

/** The pair's node names: read when a page that shows them opens and when a revision changes; not polled. */
export function usePairNodes(): PairNodes | null {
  useInvalidatePairOnChange();
  const q = useQuery({ ...pairQueryOptions(), select: pairNodesOf, refetchInterval: false, staleTime: 0 });
  return q.data ?? null;
}

/** The peer this node cannot reach, when the pair is degraded for that reason; null otherwise. */
export function unreachablePeerOf(p: Api['PairStatus']): string | null {
  return p.configured && p.degraded && p.peerState?.reachable === false ? p.peer : null;
}

/** Said before an apply: the peer is down, so applying will ask for the override. Polled slowly. */
export function useUnreachablePeer(): string | null {
  useInvalidatePairOnChange();
  const q = useQuery({ ...pairQueryOptions(), select: unreachablePeerOf, refetchInterval: 15_000 });
  return q.data ?? null;
}
