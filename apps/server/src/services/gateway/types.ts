/** What the gateway's parts share: the logger they write to and what an apply comes to. */
import type { ModuleState } from '@gatehouse/rules';
import type { PendingConfirmation, RevisionKind, RevisionSummary } from '../../store/store.js';
import type { OperatorConnection } from '../lockout.js';

export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface ApplyRequest {
  actor: string;
  confirmWithinSeconds?: number | undefined;
  force?: boolean | undefined;
  comment?: string | undefined;
  operator?: OperatorConnection | null;
  /**
   * A pair node (issue #16): apply on this node alone when the peer is
   * unreachable (the operator's explicit override); without it that is 409
   * pair_degraded and nothing is applied.
   */
  degraded?: boolean | undefined;
}

/** Everything an apply's response needs: routes map it and ask the store for nothing. */
export interface ApplyOutcome {
  revision: RevisionSummary;
  /** The active revision after the apply. */
  activeRevisionId: number | null;
  pending: PendingConfirmation | null;
  durationMs: number;
  natFtp: ModuleState | null;
  /** Applied as an element delta (one forward changed), not the whole table. */
  delta: boolean;
}

/** What an apply, rollback or automatic rollback came to (for metrics). */
export interface ApplyObservation {
  kind: RevisionKind;
  result: 'ok' | 'failed' | 'refused';
  /** Time nft took to load the script (successful loads only). */
  durationMs?: number;
  delta?: boolean;
}
