/**
 * What an apply of a pair revision can answer besides the one-node errors
 * (contract, "The pair apply"): 409 pair_degraded when the peer cannot be
 * reached (the operator may apply on this node only, `?degraded=true`), and
 * 409 pair_peer_refused naming the node that refused, at which phase and why.
 * Every way the UI applies (Apply, rollback, roll back now) reads them here.
 */
import { ApiError } from './api';

/** The query that applies on this node alone while the peer is unreachable. */
export const DEGRADED_QUERY = { degraded: true } as const;

export type PairApplyFailure =
  | { kind: 'degraded'; peer: string | null; detail: string | null }
  | {
      kind: 'refused';
      node: string | null;
      phase: RefusalPhase | null;
      reason: string | null;
      rolledBack: boolean;
    };

/** Where the peer refused: checking or applying a revision, confirming it, or undoing it ("roll back now"). */
export type RefusalPhase = 'check' | 'apply' | 'confirm' | 'rollback';
const PHASES: readonly unknown[] = ['check', 'apply', 'confirm', 'rollback'] satisfies RefusalPhase[];

/** A field of the error body: top level (HttpError `extra`) or in `params`. */
function field(err: ApiError, name: string): unknown {
  const body = err.body as Record<string, unknown> | null;
  return body?.[name] ?? body?.params?.[name as never] ?? null;
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

export function pairApplyFailure(error: unknown): PairApplyFailure | null {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'pair_degraded') {
    // The server sends why the peer was unreachable as `detail`.
    return { kind: 'degraded', peer: text(field(error, 'peer')), detail: text(field(error, 'detail')) };
  }
  if (error.code === 'pair_peer_refused') {
    const phase = field(error, 'phase');
    return {
      kind: 'refused',
      node: text(field(error, 'node')),
      phase: PHASES.includes(phase) ? (phase as RefusalPhase) : null,
      reason: text(field(error, 'reason')),
      rolledBack: field(error, 'rolledBack') === true,
    };
  }
  return null;
}
