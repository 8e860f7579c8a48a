/**
 * The gateway service: what routes call, each method handed to the part
 * that does that one job (services/gateway/):
 *
 *   desired-state.ts  editing the desired model (whole, one forward, revert)
 *   revisions.ts      what each revision loaded (models rebuilt from deltas, scripts, diffs)
 *   apply.ts          the one path from a model to the kernel, and restores
 *   lock.ts           the one lock every apply, rollback and restore holds
 *   confirm.ts        commit-confirm: the pending window, its timer, crash recovery
 *   drift.ts          baselines and drift checks
 *   boot-files.ts     the files a reboot loads
 *   takeover.ts       foreign tables an apply retires (adopting a gateway), and their restore
 *
 * A pair node (issue #16) applies every revision of the pair on both nodes or
 * on neither: ha/pair-apply.ts around each apply path here, and
 * ha/pair-peer.ts for what the peer's routes ask of this node.
 *
 * Kernel probes (interfaces, counters, nf_nat_ftp) are @gatehouse/rules' kernel.ts.
 */
import {
  ctHelperLive,
  forwardCounters,
  type GatewayModel,
  type HelperKind,
  listInterfaces,
  type ModuleState,
  natFtpState,
  probeHelperKind,
  type Runner,
} from '@gatehouse/rules';
import { HttpError } from '../lib/errors.js';
import type { DriftState } from '../schemas/status.js';
import type { RevisionSummary, Store } from '../store/store.js';
import type { EventHub } from './events.js';
import { ForwardHits } from './forward-hits.js';
import { Applier } from './gateway/apply.js';
import { type BootFileDirs, BootFiles } from './gateway/boot-files.js';
import { ConfirmWindow } from './gateway/confirm.js';
import { type Desired, DesiredState, type ForwardChangeResult } from './gateway/desired-state.js';
import { Drift } from './gateway/drift.js';
import { ApplyLock } from './gateway/lock.js';
import { diffScripts, Revisions } from './gateway/revisions.js';
import { retireLines, Takeover } from './gateway/takeover.js';
import type { ApplyObservation, ApplyOutcome, ApplyRequest, GatewayLogger } from './gateway/types.js';
import { PairApply, type PeerStateView } from './ha/pair-apply.js';
import { auditAndPublish, noteRefusal, type PairAudit } from './ha/pair-events.js';
import { PairBootFiles, type PairNodeOptions } from './ha/pair-files.js';
import { PeerSide } from './ha/pair-peer.js';
import { lockoutProblems, type OperatorConnection } from './lockout.js';

export { DEFAULT_MODEL, type ForwardChangeResult } from './gateway/desired-state.js';
export type { ApplyObservation, ApplyOutcome, ApplyRequest, GatewayLogger } from './gateway/types.js';

export interface GatewayServiceOptions {
  store: Store;
  runner: Runner;
  hub: EventHub;
  log: GatewayLogger;
  initialModel: unknown;
  driftIntervalMs: number;
  persistence?: BootFileDirs;
  /** This node of a pair: its engine files are written (and engines reloaded) with the boot files. */
  pairNode?: PairNodeOptions;
}

export class GatewayService {
  private readonly store: Store;
  private readonly runner: Runner;
  private readonly driftIntervalMs: number;
  private readonly desiredState: DesiredState;
  private readonly revisions: Revisions;
  private readonly lock = new ApplyLock();
  private readonly driftWatch: Drift;
  private readonly applier: Applier;
  private readonly confirmWindow: ConfirmWindow;
  /** Hit totals per forward across applies (forward-hits.ts). */
  readonly forwardHits: ForwardHits;
  /** Foreign tables the next apply retires, chosen when an import is adopted (gateway/takeover.ts). */
  readonly takeover: Takeover;
  private readonly bootFiles: BootFiles;
  /** The origin's side of a pair apply; null when this server is not a pair node. */
  private readonly pair: PairApply | null;
  /** Records a pair apply's news in the audit log and on the event stream (ha/pair-events.ts). */
  private readonly pairAudit: PairAudit | null;
  /** What the peer routes ask of this node (routes/peer.ts). */
  readonly peer: PeerSide;
  private readonly observers = new Set<(o: ApplyObservation) => void>();
  /** desiredDiffersFromApplied for one (active revision, desired version) pair. */
  private differs: { key: string; value: boolean } | null = null;

  constructor(o: GatewayServiceOptions) {
    this.store = o.store;
    this.runner = o.runner;
    this.driftIntervalMs = o.driftIntervalMs;
    this.desiredState = new DesiredState(o.store, o.initialModel);
    this.revisions = new Revisions(o.store, (m) => this.desiredState.scriptOf(m));
    this.driftWatch = new Drift(o.store, o.runner, this.revisions, o.hub, o.log, () => this.lock.held);
    const bootFiles = o.pairNode
      ? new PairBootFiles(o.persistence, o.log, o.pairNode)
      : new BootFiles(o.persistence, o.log);
    this.bootFiles = bootFiles;
    this.forwardHits = new ForwardHits({
      repo: o.store.forwardHits,
      runner: o.runner,
      active: () => {
        const r = this.revisions.active();
        const model = this.revisions.model(r);
        return r && model ? { model, revisionId: r.id } : null;
      },
    });
    this.takeover = new Takeover(o.store, o.runner);
    this.applier = new Applier({
      store: o.store,
      runner: o.runner,
      revisions: this.revisions,
      drift: this.driftWatch,
      bootFiles,
      takeover: this.takeover,
      hub: o.hub,
      log: o.log,
      notify: (obs) => {
        for (const fn of this.observers) fn(obs);
      },
      pendingChanged: () => this.confirmWindow.arm(),
      beforeWholeApply: () => this.forwardHits.beforeWholeApply(),
    });
    this.confirmWindow = new ConfirmWindow({
      store: o.store,
      runner: o.runner,
      revisions: this.revisions,
      applier: this.applier,
      lock: this.lock,
      hub: o.hub,
      log: o.log,
      writeBootFiles: (model, natFtp) => bootFiles.write(model, natFtp),
    });
    const pairAudit = o.pairNode ? auditAndPublish(o.store.audit, o.hub, o.pairNode.node) : null;
    this.pairAudit = pairAudit;
    this.pair = o.pairNode
      ? new PairApply({
          self: o.pairNode.node,
          log: o.log,
          audit: pairAudit ?? (() => undefined),
          setNodes: (id, nodes) => o.store.revisions.setPair(id, { nodes }),
          activeModel: () => this.revisions.model(this.revisions.active()),
        })
      : null;
    this.peer = new PeerSide({
      self: o.pairNode?.node,
      store: o.store,
      runner: o.runner,
      revisions: this.revisions,
      applier: this.applier,
      lock: this.lock,
      desiredState: this.desiredState,
      confirmWindow: this.confirmWindow,
      rewriteBootFiles: () => this.rewriteBootFiles(),
    });
  }

  /** Around an apply of `model`: on a pair node, the peer too, or neither (ha/pair-apply.ts). */
  private paired(model: GatewayModel, req: ApplyRequest, applyLocal: () => Promise<ApplyOutcome>) {
    if (!this.pair) return applyLocal();
    return this.pair
      .around(model, req, applyLocal, async (o) => {
        await this.applier.restore(o.revision.parentId, 'rollback', 'system (pair: the peer refused)', o.revision.id);
        await this.rewriteBootFiles();
      })
      .catch((err: unknown) => {
        throw noteRefusal(this.pairAudit, err, req.actor, null);
      });
  }

  /** The boot (and a pair node's engine) files of the active revision, after an undo. */
  private async rewriteBootFiles(): Promise<void> {
    await this.bootFiles.write(this.revisions.model(this.revisions.active()), null);
  }

  /** The peer as GET /pair shows it; null when this is not a pair node. */
  peerState(): Promise<PeerStateView | null> {
    return this.pair ? this.pair.peerState(this.revisions.active()) : Promise.resolve(null);
  }

  /** Calls `fn` after every apply, rollback and automatic rollback, whatever came of it. */
  observeApplies(fn: (o: ApplyObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  // --- desired state -------------------------------------------------------------

  desired(): Desired {
    return this.desiredState.current();
  }

  /** Validates and stores a new desired model; `ifVersion` is the ETag the client last saw. */
  putDesired(...args: Parameters<DesiredState['put']>): Desired {
    return this.desiredState.put(...args);
  }

  /** Changes the desired model through a function on a copy of it. */
  updateDesired(...args: Parameters<DesiredState['update']>): Desired {
    return this.desiredState.update(...args);
  }

  /** Creates, replaces or deletes one forward (stored as one row). */
  changeForward(...args: Parameters<DesiredState['changeForward']>): ForwardChangeResult {
    return this.desiredState.changeForward(...args);
  }

  /** Undoes the change that made `failedVersion` as a new version (see desired-revert.ts); null when someone changed it since. */
  revertDesired(model: GatewayModel, failedVersion: number, actor: string, reason: string): number | null {
    return this.desiredState.revert(model, failedVersion, actor, reason);
  }

  revertForwardChange(c: ForwardChangeResult, actor: string, reason: string): number | null {
    return this.desiredState.revertForwardChange(c, actor, reason);
  }

  // --- revisions ------------------------------------------------------------------

  /** The active revision (summary: ask revisionModel / scriptOf for what it loaded). */
  activeRevision(): RevisionSummary | null {
    return this.revisions.active();
  }

  revision(id: number): RevisionSummary | null {
    return this.store.revisions.summary(id) ?? null;
  }

  /** Newest first; `before` is a cursor (an id). */
  listRevisions(limit: number, before?: number): RevisionSummary[] {
    return this.store.revisions.list(limit, before);
  }

  revisionModel(r: RevisionSummary | null): GatewayModel | null {
    return this.revisions.model(r);
  }

  scriptOf(r: RevisionSummary | null): string {
    return this.revisions.script(r);
  }

  revisionDiff(r: RevisionSummary): string {
    return this.revisions.diff(r);
  }

  /** Whether the desired model is other than what the kernel holds, computed once per (active revision, desired version). */
  desiredDiffersFromApplied(): boolean {
    const active = this.revisions.active();
    const desired = this.desired();
    if (!active) return true;
    if (this.store.meta.appliedFrom() === desired.version) return false;
    const key = `${active.id}:${desired.version}`;
    if (this.differs?.key !== key) {
      const applied = this.revisions.model(active);
      this.differs = { key, value: !applied || JSON.stringify(applied) !== JSON.stringify(desired.model) };
    }
    return this.differs.value;
  }

  async preview(operator: OperatorConnection | null) {
    const { model } = this.desired();
    const active = this.revisions.active();
    const activeModel = this.revisions.model(active);
    // A pending takeover's deletions are part of what the apply loads (after our table: gateway/takeover.ts).
    const script = this.revisions.scriptFor(model, activeModel) + retireLines(this.takeover.pending());
    const diff = diffScripts(
      this.revisions.script(active),
      script,
      active ? `revision ${active.id}` : 'nothing applied',
      'desired',
    );
    const drift = active ? await this.checkDrift() : null;
    return {
      script,
      diff,
      appliedRevision: active?.id ?? null,
      changed: diff !== '',
      drift: drift
        ? { drifted: drift.state !== 'in-sync', missing: drift.state === 'missing', diff: drift.diff }
        : null,
      lockout: lockoutProblems(model, activeModel, operator),
    };
  }

  // --- apply (every request path refuses with 409 while another runs: lock.ts) -----

  get applying(): boolean {
    return this.lock.held;
  }

  apply(req: ApplyRequest): Promise<ApplyOutcome> {
    return this.lock.run(() => {
      const { model, version } = this.desired();
      return this.paired(model, req, () => this.applier.applyModel(model, null, 'apply', req, version));
    });
  }

  /** Applies a change made by changeForward(): an element delta where it can be (apply.ts). */
  applyForwardChange(c: ForwardChangeResult, req: ApplyRequest): Promise<ApplyOutcome> {
    return this.lock.run(() => {
      const current = this.desired();
      // The peer gets the whole model; this node may load it as an element delta.
      return this.paired(current.model, req, () => this.applier.applyForwardChange(c, current, req));
    });
  }

  /** Applies an old revision again; the result is a new revision, and the desired model becomes that revision's. */
  rollbackTo(revisionId: number, req: ApplyRequest): Promise<ApplyOutcome> {
    return this.lock.run(async () => {
      const target = this.store.revisions.summary(revisionId);
      if (!target || target.status === 'failed' || target.status === 'applying') {
        throw new HttpError(404, 'not_found', `revision ${revisionId} not found or never applied`);
      }
      const model = this.revisions.model(target);
      if (!model)
        throw new HttpError(409, 'not_restorable', `revision ${revisionId} holds no gateway model to restore`);
      const outcome = await this.paired(model, req, () =>
        this.applier.applyModel(model, target, 'rollback', req, null),
      );
      const version = this.desiredState.adopt(model);
      this.store.tx(() => {
        this.store.meta.setAppliedFrom(version);
        this.store.audit.record(req.actor, 'config.replace', 'config', {
          version,
          reason: `rollback to revision ${revisionId}`,
        });
      });
      return outcome;
    });
  }

  confirm(actor: string): RevisionSummary {
    return this.confirmWindow.confirm(actor);
  }

  /** Keeps the provisional apply; on a pair node the peer's copy is confirmed first (POST /apply/confirm). */
  async confirmPaired(actor: string, o: { degraded?: boolean | undefined } = {}): Promise<RevisionSummary> {
    const p = this.store.meta.pending();
    const pending = p ? this.store.revisions.summary(p.revisionId) : undefined;
    if (this.pair && pending)
      await this.pair
        .confirm(this.revisions.model(pending), pending, actor, o.degraded ?? false)
        .catch((err: unknown) => {
          throw noteRefusal(this.pairAudit, err, actor, pending.id);
        });
    return this.confirmWindow.confirm(actor);
  }

  /** "Roll back now": the provisional apply is undone at once, as its deadline would (the desired model keeps it). */
  rollBackNow(actor: string, o: { degraded?: boolean | undefined } = {}): Promise<RevisionSummary | null> {
    return this.lock.run(async () => {
      const p = this.store.meta.pending();
      if (!p) throw new HttpError(409, 'nothing_to_roll_back', 'no provisional apply is waiting for confirmation');
      const undone = this.store.revisions.summary(p.revisionId);
      // The peer first: unreachable without the override, nothing is undone anywhere.
      if (this.pair && undone)
        await this.pair
          .rollBack(this.revisions.model(undone), undone, actor, o.degraded ?? false)
          .catch((err: unknown) => {
            throw noteRefusal(this.pairAudit, err, actor, undone.id);
          });
      await this.applier.restore(p.previousRevisionId, 'rollback', actor, p.revisionId);
      return this.revisions.active();
    });
  }

  /** Drift repair: loads the active revision's script again (a new confirmed revision restored from it). */
  restoreActive(actor: string): Promise<RevisionSummary | null> {
    return this.lock.run(async () => {
      const active = this.revisions.active();
      if (!active)
        throw new HttpError(409, 'nothing_applied', 'nothing has been applied yet: there is nothing to restore');
      if (this.store.meta.pending())
        throw new HttpError(409, 'pending_confirmation', 'confirm or roll back the provisional apply first');
      // A repair of this node's kernel alone: the new revision keeps the pair's nodes (Applier.restore).
      await this.applier.restore(active.id, 'rollback', actor, null);
      return this.revisions.active();
    });
  }

  /** The provisional apply waiting for confirmation, if any. */
  pending() {
    return this.store.meta.pending();
  }

  /** Run once at start: finish what a crash interrupted (confirm.ts). */
  recover(): Promise<void> {
    return this.confirmWindow.recover();
  }

  /** A pair node at start: the engine files of the active revision written, the engines started. */
  async startPairEngines(): Promise<void> {
    if (this.bootFiles instanceof PairBootFiles) {
      await this.bootFiles.write(this.revisions.model(this.revisions.active()), null);
    }
  }

  /** Resolves once the boot and engine files asked for so far are written (a pair node's). */
  async bootFilesSettled(): Promise<void> {
    if (this.bootFiles instanceof PairBootFiles) await this.bootFiles.settled();
  }

  // --- drift and kernel status ------------------------------------------------------

  get drift(): DriftState {
    return this.driftWatch.state;
  }

  startDriftWatch(): void {
    this.driftWatch.startWatch(this.driftIntervalMs);
  }

  checkDrift(options: { hurry?: boolean } = {}): Promise<DriftState> {
    return this.driftWatch.check(options);
  }

  interfaces() {
    return listInterfaces(this.runner);
  }

  /** Packet/byte counters per forward of the applied model. */
  async counters() {
    const active = this.revisions.model(this.revisions.active());
    if (!active) return [];
    return forwardCounters(
      active.table,
      active.forwards.map((f) => f.id),
      this.runner,
    );
  }

  async helperObjectLive(): Promise<boolean> {
    const active = this.revisions.model(this.revisions.active());
    return active ? ctHelperLive(active.table, this.runner) : false;
  }

  natFtpState() {
    return natFtpState();
  }

  /** Where a helper kind's NAT module stands (nf_nat_tftp, ...), read without changing anything. */
  async helperNatState(kind: HelperKind): Promise<ModuleState | null> {
    return (await probeHelperKind(kind)).nat;
  }

  async close(): Promise<void> {
    this.desiredState.close();
    this.confirmWindow.close();
    await this.driftWatch.close();
    await this.bootFilesSettled();
  }
}
