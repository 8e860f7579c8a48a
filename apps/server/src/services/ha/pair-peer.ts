/**
 * One change, two nodes (issue #16): the peer's side, behind the peer routes
 * (routes/peer.ts). The origin checks here first, then applies here after
 * its own apply, and asks here to confirm or undo what it sent:
 *
 *   check     the model validates (the same schema), names this node, this
 *             node is not applying and has nothing provisional, and its
 *             kernel accepts the script (`nft -c`);
 *   apply     the same checks, then this node's own Applier (lockout check
 *             with no operator: the request is the origin's, not a browser's);
 *             the model becomes the desired one only once the kernel holds it,
 *             and the revision records its origin and both nodes;
 *   confirm   the provisional copy of that origin revision is confirmed;
 *   rollback  the copy of that origin revision, when it is the active one, is
 *             undone (its parent restored); otherwise nothing happens.
 *
 * None of it calls back to the origin: no ping-pong. What the peer does is
 * audited as `<actor on the origin> via <origin node>`.
 */
import { checkRuleset, type GatewayModel, NftError, type Runner, SECRET_MASK, validateModel } from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { RevisionSummary, Store } from '../../store/store.js';
import type { Applier } from '../gateway/apply.js';
import type { ConfirmWindow } from '../gateway/confirm.js';
import type { DesiredState } from '../gateway/desired-state.js';
import type { ApplyLock } from '../gateway/lock.js';
import type { Revisions } from '../gateway/revisions.js';
import { retireLines } from '../gateway/takeover.js';
import type { PairOrigin } from './pair-apply.js';

export interface PeerSideParts {
  /** This node's name (GATEHOUSE_HA_NODE); undefined: not a pair node, every request is refused. */
  self: string | undefined;
  store: Store;
  runner: Runner;
  revisions: Revisions;
  applier: Applier;
  lock: ApplyLock;
  desiredState: DesiredState;
  confirmWindow: ConfirmWindow;
  /** Writes the boot (and pair engine) files of the active revision again, after an undo. */
  rewriteBootFiles: () => Promise<void>;
}

/** This node refuses what the origin asked; routes/peer.ts sends it as 409 peer_refused {node, reason}. */
export class PeerRefusal extends HttpError {
  constructor(node: string, reason: string, status = 409) {
    super(status, 'peer_refused', `node ${node} refused: ${reason}`, {
      params: { node, reason },
      extra: { node, reason },
    });
  }
}

export interface PeerState {
  node: string;
  activeRevisionId: number | null;
  activeOrigin: PairOrigin | null;
  pending: boolean;
  desiredVersion: number;
}

const firstLine = (err: unknown) =>
  (err instanceof NftError ? err.message : err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';

export class PeerSide {
  constructor(private readonly p: PeerSideParts) {}

  private get node(): string {
    return this.p.self ?? 'unnamed';
  }

  private refuse(reason: string, status = 409): never {
    throw new PeerRefusal(this.node, reason, status);
  }

  /** What the model must be, and this node, before anything is loaded. */
  private admissible(input: unknown): GatewayModel {
    const parsed = validateModel(input);
    if (!parsed.ok)
      this.refuse(
        `the model does not validate here: ${parsed.problems
          .slice(0, 3)
          .map((x) => `${x.path}: ${x.message}`)
          .join('; ')}`,
        422,
      );
    const model = parsed.model;
    if (!this.p.self) this.refuse('this server is not a pair node (GATEHOUSE_HA_NODE is unset)');
    if (!model.ha?.nodes.some((n) => n.name === this.p.self))
      this.refuse(`the model's pair does not name this node (${this.p.self})`, 422);
    if (model.ha.peerToken === SECRET_MASK || model.ha.vrrp.authSecret === SECRET_MASK)
      this.refuse('the model carries a masked secret, not the secret itself', 422);
    if (this.p.store.meta.pending())
      this.refuse('a provisional apply is waiting for confirmation on this node: confirm or roll it back first');
    return model;
  }

  async check(input: unknown): Promise<{ ok: true; node: string; activeRevisionId: number | null }> {
    const model = this.admissible(input);
    if (this.p.lock.held) this.refuse('an apply or rollback is running on this node');
    const { revisions, store } = this.p;
    const active = revisions.active();
    const script = revisions.scriptFor(model, revisions.model(active)) + retireLines(store.takeover.pending());
    try {
      await checkRuleset(script, { runner: this.p.runner });
    } catch (err) {
      this.refuse(`nft refused the ruleset on this node: ${firstLine(err)}`, 422);
    }
    return { ok: true, node: this.node, activeRevisionId: active?.id ?? null };
  }

  async apply(body: {
    model: unknown;
    origin: PairOrigin;
    actor: string;
    confirmWithinSeconds?: number | undefined;
    comment?: string | undefined;
  }): Promise<{ node: string; revisionId: number }> {
    const model = this.admissible(body.model);
    const actor = `${body.actor} via ${body.origin.node}`;
    const { store } = this.p;
    if (this.p.lock.held) this.refuse('an apply or rollback is running on this node');
    return this.p.lock.run(async () => {
      // Checked again under the lock: an apply that ended just before may have left one provisional.
      if (store.meta.pending()) this.refuse('a provisional apply is waiting for confirmation on this node');
      let revisionId: number;
      try {
        const outcome = await this.p.applier.applyModel(
          model,
          null,
          'apply',
          { actor, confirmWithinSeconds: body.confirmWithinSeconds, comment: body.comment ?? '', operator: null },
          null,
        );
        revisionId = outcome.revision.id;
      } catch (err) {
        if (err instanceof HttpError) this.refuse(`${err.code}: ${err.message}`, err.statusCode);
        this.refuse(`nft refused the ruleset on this node: ${firstLine(err)}`, 422);
      }
      // The desired model only once the kernel holds it: a refused one poisons nothing.
      const version = this.p.desiredState.adopt(model);
      store.tx(() => {
        store.meta.setAppliedFrom(version);
        store.revisions.setPair(revisionId, { nodes: [body.origin.node, this.node], origin: body.origin });
        store.audit.record(actor, 'config.replace', 'config', {
          version,
          reason: `pair revision ${body.origin.revisionId} from ${body.origin.node}`,
        });
      });
      return { node: this.node, revisionId };
    });
  }

  /** The active revision when it is this origin revision's copy. */
  private copyOf(origin: PairOrigin): RevisionSummary | null {
    const active = this.p.revisions.active();
    return active?.origin?.node === origin.node && active.origin.revisionId === origin.revisionId ? active : null;
  }

  confirm(origin: PairOrigin, actor: string): { node: string; revisionId: number } {
    const pending = this.p.store.meta.pending();
    const copy = this.copyOf(origin);
    if (!pending || !copy || pending.revisionId !== copy.id)
      this.refuse(`no provisional copy of revision ${origin.revisionId} of ${origin.node} is waiting here`);
    const r = this.p.confirmWindow.confirm(`${actor} via ${origin.node}`);
    return { node: this.node, revisionId: r.id };
  }

  /** Undoes the copy of `origin` if this node holds it; waits for an apply in flight (it may be that copy). */
  rollback(origin: PairOrigin, actor: string): Promise<{ node: string; restoredRevisionId: number | null }> {
    return this.p.lock.queue(async () => {
      const copy = this.copyOf(origin);
      if (!copy) return { node: this.node, restoredRevisionId: null };
      const pending = this.p.store.meta.pending();
      const target = pending && pending.revisionId === copy.id ? pending.previousRevisionId : copy.parentId;
      await this.p.applier.restore(target, 'rollback', `${actor} via ${origin.node}`, copy.id);
      await this.p.rewriteBootFiles();
      return { node: this.node, restoredRevisionId: this.p.revisions.active()?.id ?? null };
    });
  }

  state(): PeerState {
    const active = this.p.revisions.active();
    return {
      node: this.node,
      activeRevisionId: active?.id ?? null,
      activeOrigin: active?.origin ?? null,
      pending: this.p.store.meta.pending() !== null,
      desiredVersion: this.p.desiredState.current().version,
    };
  }
}
