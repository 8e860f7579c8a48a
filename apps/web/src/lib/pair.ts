/**
 * GET /pair, shared: the Pair page shows it, and the pages that can show
 * either node (Connections, Expectations) and History read which nodes the
 * pair has. Those read only the names (a `select`), so the pair's sync
 * figures, polled every few seconds on the Pair page, do not re-render them.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from './api';
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

/** The pair's node names; read once a minute at most (names change only with a revision). */
export function usePairNodes(): PairNodes | null {
  const q = useQuery({ ...pairQueryOptions(), select: pairNodesOf, refetchInterval: false, staleTime: 60_000 });
  return q.data ?? null;
}

/** The peer this node cannot reach, when the pair is degraded for that reason; null otherwise. */
export function unreachablePeerOf(p: Api['PairStatus']): string | null {
  return p.configured && p.degraded && p.peerState?.reachable === false ? p.peer : null;
}

/** Said before an apply: the peer is down, so applying will ask for the override. Polled slowly. */
export function useUnreachablePeer(): string | null {
  const q = useQuery({ ...pairQueryOptions(), select: unreachablePeerOf, refetchInterval: 15_000 });
  return q.data ?? null;
}
