/**
 * Commit-confirm by reconnection: after a provisional apply, open a new
 * connection to the panel and confirm over it (`reconnect: true`, which the
 * server accepts only over a connection opened after the apply). If the
 * panel cannot be reached that way before the deadline, nothing is
 * confirmed and the server restores the previous revision by itself.
 */
import type { Api } from '@gatehouse/server/schemas';
import { ApiError, type Client } from './client.js';

export type ConfirmOutcome =
  | { kind: 'confirmed'; attempts: number }
  | { kind: 'rolled-back'; attempts: number }
  | { kind: 'unreachable'; attempts: number; lastError: string };

export interface ConfirmOptions {
  /** Seconds left in the confirmation window, as the apply answered. */
  secondsLeft: number;
  retryMs?: number;
  attemptTimeoutMs?: number;
  /** Reports each failed attempt (e.g. to stderr). */
  onRetry?: (attempt: number, reason: string) => void;
  /** A pair node whose peer is unreachable: confirm on this node alone (`?degraded=true`). */
  degraded?: boolean;
}

/** A pair's answer (the peer unreachable or refusing): no retry changes it, it is the operator's to decide. */
const PAIR_ERRORS = new Set(['pair_degraded', 'pair_peer_refused']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function confirmByReconnect(
  client: Client,
  revisionId: number,
  o: ConfirmOptions,
): Promise<ConfirmOutcome> {
  const deadline = Date.now() + o.secondsLeft * 1000;
  let lastError = '';
  let attempts = 0;
  while (Date.now() < deadline) {
    attempts += 1;
    try {
      await client.requestOnNewConnection('POST', `/apply/confirm${o.degraded ? '?degraded=true' : ''}`, {
        body: { reconnect: true },
        timeoutMs: o.attemptTimeoutMs ?? 5000,
      });
      return { kind: 'confirmed', attempts };
    } catch (err) {
      if (err instanceof ApiError && err.body?.error === 'nothing_to_confirm') {
        const p = await client.requestOnNewConnection<Api['PendingState']>('GET', '/apply/pending').catch(() => null);
        if (p && p.body.pending?.revisionId !== revisionId) return { kind: 'rolled-back', attempts };
      } else if (err instanceof ApiError && PAIR_ERRORS.has(err.body?.error ?? '')) {
        throw err;
      } else if (err instanceof ApiError && err.status !== 409 && err.status < 500) {
        throw err;
      }
      lastError = err instanceof ApiError ? err.describe() : err instanceof Error ? err.message : String(err);
      o.onRetry?.(attempts, lastError);
    }
    await sleep(o.retryMs ?? 1000);
  }
  return { kind: 'unreachable', attempts, lastError };
}
