/**
 * `?apply=true` for a change made with updateDesired: the change and its
 * apply are one. When the apply fails (nft refuses it, the lockout check
 * refuses it, another apply runs) the desired state goes back to what it
 * was, as a new version, and the error is passed on.
 */
import { type GatewayModel, NftError } from '@gatehouse/rules';
import type { FastifyBaseLogger } from 'fastify';
import { HttpError } from '../lib/errors.js';
import type { GatewayService } from './gateway.js';
import type { OperatorConnection } from './lockout.js';

export async function applyDesiredOrUndo(
  g: GatewayService,
  o: {
    actor: string;
    operator: OperatorConnection | null;
    /** A pair node whose peer is unreachable: apply on this node alone (`?degraded=true`). */
    degraded?: boolean;
    before: GatewayModel;
    afterVersion: number;
    log: FastifyBaseLogger;
  },
): Promise<{ revision: number; delta: boolean }> {
  try {
    const outcome = await g.apply({ actor: o.actor, operator: o.operator, degraded: o.degraded ?? false });
    return { revision: outcome.revision.id, delta: outcome.delta };
  } catch (err) {
    const code = err instanceof HttpError ? err.code : err instanceof NftError ? 'nft_rejected' : 'apply_failed';
    const undone = g.revertDesired(o.before, o.afterVersion, o.actor, code);
    o.log.warn(
      { code, undone: undone !== null, version: undone },
      'apply with the change failed; the change was undone',
    );
    throw err;
  }
}
