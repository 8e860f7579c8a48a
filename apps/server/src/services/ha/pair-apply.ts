/**
 * One change, two nodes (issue #16): the origin's side of a pair apply.
 * Every revision of a pair goes to both nodes or to neither:
 *
 *   1. POST /peer/check on the peer (its schema, its name in the pair, not
 *      busy, nothing provisional, `nft -c` on its kernel);
 *   2. the apply here (nft -f is one transaction: a local refusal changes
 *      nothing anywhere), then POST /peer/apply with the whole model;
 *   3. the peer refuses or fails at its apply: the local parent revision is
 *      restored, /peer/rollback is asked (best effort: the peer may have
 *      applied it and lost the answer), and the error says which node
 *      refused and why (409 pair_peer_refused).
 *
 * The peer unreachable at the check is 409 pair_degraded, unless the request
 * says `degraded` (the operator's explicit override): then the revision goes
 * to this node only, its nodes are [self] and the audit log says
 * pair.degraded_apply. Nothing here holds the apply lock: GatewayService
 * calls it under the lock, around the Applier.
 *
 * A server is a pair node for a model when GATEHOUSE_HA_NODE is set and the
 * model's `ha` names it; any other apply goes through untouched.
 */
import { type GatewayModel, type HaNode, NftError, SECRET_MASK } from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { RevisionSummary } from '../../store/store.js';
import type { ApplyOutcome, ApplyRequest, GatewayLogger } from '../gateway/types.js';
import { type PeerReply, PeerUnreachable, peerRequest } from './peer-client.js';

export interface PairOrigin {
  node: string;
  revisionId: number | null;
}

/** The peer as GET /pair shows it (schemas/pair.ts PeerState). */
export interface PeerStateView {
  reachable: boolean;
  error: string | null;
  activeRevisionId: number | null;
  inSync: boolean;
}

export interface PairApplyParts {
  /** This node's name (GATEHOUSE_HA_NODE). */
  self: string;
  log: GatewayLogger;
  audit: (actor: string, action: string, target: string, details: object) => void;
  /** Records which nodes hold a revision (store/revisions.ts setPair). */
  setNodes: (revisionId: number, nodes: string[]) => void;
  /** The model of this node's active revision (its peer token is the one the peer holds now). */
  activeModel: () => GatewayModel | null;
  /** The client; tests may replace it. */
  request?: typeof peerRequest;
}

interface PeerTarget {
  peer: HaNode;
  /** Tokens to try in turn on 401: the one the peer holds now first, then the new model's. */
  tokens: string[];
}

/** What the peer said, in one line, from a refusal's body. */
function reasonOf(reply: PeerReply): string {
  const b = (reply.body ?? {}) as { reason?: unknown; message?: unknown };
  if (typeof b.reason === 'string' && b.reason) return b.reason;
  if (typeof b.message === 'string' && b.message) return b.message;
  return `HTTP ${reply.status}`;
}

/**
 * A refusal by this node's own kernel or checks, said as today's error with
 * the node named (extra.node): nft's refusal stays 422 nft_rejected with its
 * diagnostics, any HttpError (lockout, busy) keeps its code.
 */
export function namingNode(err: unknown, node: string): unknown {
  if (err instanceof HttpError) {
    (err.extra as Record<string, unknown>).node = node;
    return err;
  }
  if (err instanceof NftError) {
    const object = err.diagnostics.find((d) => d.object)?.object;
    return new HttpError(422, 'nft_rejected', err.message, {
      extra: {
        node,
        ...(object ? { object } : {}),
        diagnostics: err.diagnostics.slice(0, 20),
        problemCount: err.diagnostics.length,
      },
    });
  }
  return err;
}

export class PairApply {
  private readonly request: typeof peerRequest;

  constructor(private readonly p: PairApplyParts) {
    this.request = p.request ?? peerRequest;
  }

  get self(): string {
    return this.p.self;
  }

  /** The peer of this node in `model`'s pair, or null when the model does not make this a pair node. */
  target(model: GatewayModel | null): PeerTarget | null {
    const ha = model?.ha;
    if (!ha?.nodes.some((n) => n.name === this.p.self)) return null;
    const peer = ha.nodes.find((n) => n.name !== this.p.self);
    if (!peer) return null;
    const tokens = [this.p.activeModel()?.ha?.peerToken, ha.peerToken].filter(
      (t, i, all): t is string => typeof t === 'string' && t !== SECRET_MASK && all.indexOf(t) === i,
    );
    return { peer, tokens };
  }

  /** One call to the peer, trying the next token on 401. Throws PeerUnreachable. */
  private async call(t: PeerTarget, method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs?: number) {
    let reply: PeerReply | null = null;
    for (const token of t.tokens) {
      reply = await this.request(t.peer, token, method, path, body, timeoutMs ? { timeoutMs } : {});
      if (reply.status !== 401) return reply;
    }
    return reply ?? { status: 401, body: { message: 'no peer token in the model' } };
  }

  private refused(node: string, phase: string, reason: string, rolledBack: boolean): HttpError {
    return new HttpError(409, 'pair_peer_refused', `node ${node} refused the revision (${phase}): ${reason}`, {
      params: { node, phase, reason },
      extra: { node, phase, reason, rolledBack },
    });
  }

  private degraded(peer: string, error: string): HttpError {
    return new HttpError(
      409,
      'pair_degraded',
      `the peer ${peer} is unreachable (${error}); nothing was applied. Send degraded=true to apply on this node only`,
      { params: { peer }, extra: { peer, detail: error } },
    );
  }

  /**
   * Applies `model` on both nodes: check on the peer, `applyLocal`, apply on
   * the peer; on the peer's refusal `undoLocal` puts this node back.
   */
  async around(
    model: GatewayModel,
    req: ApplyRequest,
    applyLocal: () => Promise<ApplyOutcome>,
    undoLocal: (o: ApplyOutcome) => Promise<void>,
  ): Promise<ApplyOutcome> {
    const t = this.target(model);
    if (!t) return applyLocal();
    const self = this.p.self;
    // What the peer gets is what this node loads: the desired model's forwards change in place.
    const sent: GatewayModel = { ...model, forwards: model.forwards.slice() };
    let unreachable: PeerUnreachable | null = null;
    try {
      const check = await this.call(t, 'POST', '/peer/check', {
        model: sent,
        origin: { node: self, revisionId: null },
        actor: req.actor,
      });
      if (check.status !== 200) throw this.refused(t.peer.name, 'check', reasonOf(check), false);
    } catch (err) {
      if (!(err instanceof PeerUnreachable)) throw err;
      if (!req.degraded) throw this.degraded(t.peer.name, err.detail);
      unreachable = err;
    }
    const outcome = await applyLocal().catch((err: unknown) => {
      throw namingNode(err, self);
    });
    if (unreachable) {
      this.p.setNodes(outcome.revision.id, [self]);
      this.p.audit(req.actor, 'pair.degraded_apply', `revision:${outcome.revision.id}`, {
        peer: t.peer.name,
        error: unreachable.detail,
      });
      this.p.log.warn({ revision: outcome.revision.id, peer: t.peer.name }, 'applied on this node only (degraded)');
      return { ...outcome, revision: { ...outcome.revision, nodes: [self] } };
    }
    const origin: PairOrigin = { node: self, revisionId: outcome.revision.id };
    let reason: string;
    try {
      const applied = await this.call(t, 'POST', '/peer/apply', {
        model: sent,
        origin,
        actor: req.actor,
        ...(req.confirmWithinSeconds !== undefined ? { confirmWithinSeconds: req.confirmWithinSeconds } : {}),
        comment: req.comment ?? '',
      });
      if (applied.status === 200) {
        const nodes = [self, t.peer.name];
        this.p.setNodes(outcome.revision.id, nodes);
        return { ...outcome, revision: { ...outcome.revision, nodes } };
      }
      reason = reasonOf(applied);
    } catch (err) {
      if (!(err instanceof PeerUnreachable)) throw err;
      reason = `unreachable while applying: ${err.detail}`;
    }
    let rolledBack = true;
    try {
      await undoLocal(outcome);
    } catch (err) {
      rolledBack = false;
      this.p.log.error({ err, revision: outcome.revision.id }, 'the peer refused; restoring this node failed');
    }
    // The peer may have applied it and lost the answer: it undoes it only if it holds it.
    await this.call(t, 'POST', '/peer/rollback', { origin, actor: req.actor }).catch(() => undefined);
    this.p.audit(req.actor, 'pair.peer_refused', `revision:${outcome.revision.id}`, {
      node: t.peer.name,
      phase: 'apply',
      reason,
      rolledBack,
    });
    throw this.refused(t.peer.name, 'apply', reason, rolledBack);
  }

  /**
   * Before this node confirms its provisional revision: the peer confirms its
   * copy. Unreachable: 409 pair_degraded unless `degraded` (then this node
   * alone, and the peer's copy rolls back at its own deadline).
   */
  async confirm(model: GatewayModel | null, pending: RevisionSummary, actor: string, degraded: boolean) {
    const t = this.target(model);
    if (!t || !pending.nodes?.includes(t.peer.name)) return;
    const origin: PairOrigin = { node: this.p.self, revisionId: pending.id };
    try {
      const r = await this.call(t, 'POST', '/peer/confirm', { origin, actor });
      if (r.status !== 200) throw this.refused(t.peer.name, 'confirm', reasonOf(r), false);
    } catch (err) {
      if (!(err instanceof PeerUnreachable)) throw err;
      if (!degraded) throw this.degraded(t.peer.name, err.detail);
      this.p.audit(actor, 'pair.degraded_confirm', `revision:${pending.id}`, { peer: t.peer.name, error: err.detail });
    }
  }

  /**
   * Before this node undoes its provisional revision ("roll back now"): the
   * peer undoes its copy. Unreachable: 409 pair_degraded unless `degraded`.
   */
  async rollBack(model: GatewayModel | null, undone: RevisionSummary, actor: string, degraded: boolean) {
    const t = this.target(model);
    if (!t || !undone.nodes?.includes(t.peer.name)) return;
    const origin: PairOrigin = { node: this.p.self, revisionId: undone.id };
    try {
      const r = await this.call(t, 'POST', '/peer/rollback', { origin, actor });
      if (r.status !== 200) throw this.refused(t.peer.name, 'rollback', reasonOf(r), false);
    } catch (err) {
      if (!(err instanceof PeerUnreachable)) throw err;
      if (!degraded) throw this.degraded(t.peer.name, err.detail);
      this.p.audit(actor, 'pair.degraded_rollback', `revision:${undone.id}`, {
        peer: t.peer.name,
        error: err.detail,
      });
    }
  }

  /** The peer's state for GET /pair; null when this is not a pair node for the active model. */
  async peerState(active: RevisionSummary | null): Promise<PeerStateView | null> {
    const t = this.target(this.p.activeModel());
    if (!t) return null;
    try {
      const r = await this.call(t, 'GET', '/peer/state', undefined, 3000);
      // It answers but refuses (a peer token it does not hold): reachable, not in sync, and why.
      if (r.status !== 200) return { reachable: true, error: reasonOf(r), activeRevisionId: null, inSync: false };
      const s = r.body as { activeRevisionId?: number | null; activeOrigin?: PairOrigin | null };
      const peerActive = s.activeRevisionId ?? null;
      const peerOrigin = s.activeOrigin ?? null;
      const mine = active ? [active.id, active.restoredFrom] : [];
      const inSync =
        active !== null &&
        ((peerOrigin?.node === this.p.self && mine.includes(peerOrigin.revisionId)) ||
          (active.origin?.node === t.peer.name && active.origin.revisionId === peerActive));
      return { reachable: true, error: null, activeRevisionId: peerActive, inSync };
    } catch (err) {
      if (!(err instanceof PeerUnreachable)) throw err;
      return { reachable: false, error: err.detail, activeRevisionId: null, inSync: false };
    }
  }
}
