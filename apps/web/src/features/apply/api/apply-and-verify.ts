import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { ApiError, api, paths } from '../../../lib/api';
import { pairKey } from '../../../lib/pair';
import { DEGRADED_QUERY } from '../../../lib/pair-apply';
import { appliedStateKeys } from '../../../lib/query-keys';
import type { Api, ApiBody } from '../../../lib/types';

/**
 * Commit-confirm by reconnection, as LuCI does it: apply provisionally, then
 * reach the panel over a NEW connection and confirm only if it answers. The
 * server closes the apply's connection and every idle kept-alive one after a
 * provisional apply, and accepts a `reconnect` confirm only over a connection
 * opened after it (409 confirm_needs_new_connection otherwise: try again,
 * the browser then opens a new one). If nothing reaches the panel, the
 * server's deadline restores the previous revision; once the panel answers
 * again we report that.
 */
export type VerifyPhase =
  | { phase: 'idle' }
  | { phase: 'applying' }
  | { phase: 'checking'; revisionId: number; attempts: number }
  | { phase: 'confirmed'; revisionId: number }
  | { phase: 'applied'; revisionId: number }
  | { phase: 'rolled-back'; revisionId: number }
  | { phase: 'failed'; error: unknown };

const RETRY_MS = 1500;
/** One attempt to reach the panel: a redirected port may lead to a service that never answers HTTP. */
const ATTEMPT_MS = 5000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function pendingNow(): Promise<Api['PendingConfirmation'] | null> {
  const r = await api<Api['PendingState']>(paths.applyPending, {
    signal: AbortSignal.timeout(ATTEMPT_MS),
  });
  return r.pending;
}

export function useApplyAndVerify() {
  const queryClient = useQueryClient();
  const [state, setState] = useState<VerifyPhase>({ phase: 'idle' });
  const running = useRef(false);

  const refresh = useCallback(() => {
    // The pair's state (a pair node, its peer's revision) changes with the applied revision too.
    for (const queryKey of [...appliedStateKeys, pairKey]) void queryClient.invalidateQueries({ queryKey });
  }, [queryClient]);

  const run = useCallback(
    /** `degraded`: a pair node whose peer is unreachable applies on itself only (the operator asked). */
    async (body: ApiBody['ApplyBody'], opts: { degraded?: boolean } = {}) => {
      if (running.current) return;
      running.current = true;
      setState({ phase: 'applying' });
      try {
        const result = await api<Api['ApplyResult']>(paths.apply, {
          method: 'POST',
          body,
          ...(opts.degraded ? { query: DEGRADED_QUERY } : {}),
        });
        const pending = result.pending;
        if (!pending) {
          setState({ phase: 'applied', revisionId: result.revision.id });
          return;
        }
        const revisionId = pending.revisionId;
        const giveUpAt = Date.now() + (pending.secondsLeft + 60) * 1000;
        for (let attempts = 1; Date.now() < giveUpAt; attempts++) {
          setState({ phase: 'checking', revisionId, attempts });
          try {
            await api<Api['ConfirmResult']>(paths.applyConfirm, {
              method: 'POST',
              body: { reconnect: true },
              signal: AbortSignal.timeout(ATTEMPT_MS),
              // Applied on this node only: its confirm does not wait for the peer either.
              ...(opts.degraded ? { query: DEGRADED_QUERY } : {}),
            });
            setState({ phase: 'confirmed', revisionId });
            return;
          } catch (err) {
            if (err instanceof ApiError && err.code === 'nothing_to_confirm') {
              // The panel answers again, but the deadline passed first: the server rolled back.
              const p = await pendingNow().catch(() => undefined);
              if (p === null || (p && p.revisionId !== revisionId)) {
                setState({ phase: 'rolled-back', revisionId });
                return;
              }
            } else if (err instanceof ApiError && err.status !== 409 && err.status < 500) {
              throw err;
            }
            // Unreachable (network error, a foreign service answering) or an old connection: try again.
          }
          await sleep(RETRY_MS);
        }
        setState({ phase: 'rolled-back', revisionId });
      } catch (error) {
        setState({ phase: 'failed', error });
      } finally {
        running.current = false;
        refresh();
      }
    },
    [refresh],
  );

  return { state, run, busy: state.phase === 'applying' || state.phase === 'checking' };
}
