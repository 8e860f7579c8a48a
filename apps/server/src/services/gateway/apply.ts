/**
 * The one path from a model to the kernel:
 *
 *   model -> script -> lockout check -> `applying` revision -> nft -f (one transaction)
 *         -> revision confirmed or provisional, active, audited -> event, boot files
 *   (then, off the request path: the table read back as the drift baseline)
 *
 * No `nft -c` first: nft -f is one transaction, so a script it rejects
 * changes nothing, and a separate check would only load the script twice.
 * A one-forward change whose parent the kernel holds exactly goes as an
 * element delta and is recorded as a delta revision. Every caller holds the
 * lock (lock.ts).
 *
 * Taking over (takeover.ts): an apply with a pending retirement saves the
 * foreign tables it retires, checks the lockout with them, and deletes them
 * in its own transaction; a restore of an unconfirmed one loads them back in
 * the same transaction as our previous table.
 */
import {
  applyRuleset,
  ensureModule,
  ensureNatFtp,
  type GatewayModel,
  HELPER_KIND_SPECS,
  planForwardDelta,
  type Runner,
} from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { NewRevision } from '../../store/revisions.js';
import type { PendingConfirmation, RetiredTable, RevisionKind, RevisionSummary, Store } from '../../store/store.js';
import type { EventHub } from '../events.js';
import { forwardChangeLockoutProblems, type LockoutProblem, lockoutProblems } from '../lockout.js';
import type { BootFiles } from './boot-files.js';
import { type ForwardChangeResult, preparedJson } from './desired-state.js';
import { type Drift, TERSE_DRIFT_ABOVE } from './drift.js';
import { type RevisionDelta, type Revisions, removalScript } from './revisions.js';
import { recreateScript, retireLines, type Takeover, tableKey, undoneChain } from './takeover.js';
import type { ApplyObservation, ApplyOutcome, ApplyRequest, GatewayLogger } from './types.js';

/** Scripts longer than this are not stored with their revision when they are the model compiled. */
const STORE_SCRIPT_UP_TO = 1024 * 1024;

export interface ApplierParts {
  store: Store;
  runner: Runner;
  revisions: Revisions;
  drift: Drift;
  bootFiles: BootFiles;
  takeover: Takeover;
  hub: EventHub;
  log: GatewayLogger;
  notify: (o: ApplyObservation) => void;
  /** The pending confirmation changed: (re)arm its timer (confirm.ts). */
  pendingChanged: () => void;
  /** Runs just before a whole apply replaces the table (and zeroes its counters): services/forward-hits.ts. */
  beforeWholeApply?: () => Promise<void>;
}

/** A model no later in-place change of the desired model can reach (see DesiredState.changeForward). */
const frozenCopy = (model: GatewayModel): GatewayModel => ({ ...model, forwards: model.forwards.slice() });

export class Applier {
  constructor(private readonly p: ApplierParts) {}

  /**
   * Applies `desired` as a whole: `restoring` is the revision a rollback
   * loads again; `desiredVersion` the desired-model version it is, if it is.
   */
  async applyModel(
    desired: GatewayModel,
    restoring: RevisionSummary | null,
    kind: RevisionKind,
    req: ApplyRequest,
    desiredVersion: number | null,
  ): Promise<ApplyOutcome> {
    const { store, revisions } = this.p;
    const parent = revisions.active();
    const parentModel = revisions.model(parent);
    const script = revisions.scriptFor(desired, parentModel);
    // This apply's own copy: the desired model's forwards change in place
    // while nft runs, and what is recorded must be what was loaded. Its JSON
    // as made after the save, when it was (the same text), taken now too.
    const model = frozenCopy(desired);
    const modelJson = preparedJson(desired);
    const renamed = parentModel !== null && parentModel.table !== model.table;
    // A takeover: the foreign tables chosen at adopt time go in this transaction (only a plain apply takes them).
    const retiring = kind === 'apply' ? store.takeover.pending() : [];
    const saved = await this.p.takeover.saveLive(retiring);
    const retiredProblems = req.force ? [] : await this.p.takeover.lockoutProblems(model, saved, req.operator ?? null);
    this.refuseLockout(
      () => [...lockoutProblems(model, parentModel, req.operator ?? null), ...retiredProblems],
      req,
      kind,
      false,
    );
    await this.p.beforeWholeApply?.();
    // The row first (so a crash mid-apply is undone at start), then nft; once
    // nft is running (another process, another core) the megabytes of model
    // and script go into that row. Written before the spawn, they would delay
    // it: the store is synchronous and the spawn needs the event loop.
    const revision = this.insertApplying({
      parentId: parent?.id ?? null,
      author: req.actor,
      kind,
      comment: req.comment ?? '',
      restoredFrom: restoring?.id ?? null,
      delta: null,
    });
    // Saved before nft deletes them (and flushed with the row above): a crash
    // after the load still finds what to put back (confirm.ts recover).
    if (saved.length > 0) store.takeover.recordRetired(revision.id, saved);
    // The retired tables' deletions come after our table's definition, in the
    // same script: one transaction. The revision keeps our script alone, which
    // loads again whether or not those tables exist (drift restore, recovery).
    const loaded = saved.length > 0 ? script + retireLines(saved) : script;
    const durationMs = await this.load(loaded, revision.id, kind, req.actor, false, () =>
      store.revisions.update(revision.id, {
        model: modelJson ?? JSON.stringify(model),
        // A large script that is just the model compiled is not stored:
        // compile() is deterministic, Revisions.script() compiles it again.
        script: script.length > STORE_SCRIPT_UP_TO && !renamed ? '' : script,
      }),
    ).catch((err: unknown) => {
      if (saved.length > 0) store.takeover.forgetRetired(revision.id);
      throw err;
    });
    revisions.remember(revision.id, model);
    this.p.drift.captureBaseline(revision.id, model);
    const natFtp = model.ftp.enabled ? await ensureNatFtp({ runner: this.p.runner }).catch(() => null) : null;
    // The TFTP helper's NAT part, like nf_nat_ftp: loaded where it is a module (boot-files.ts keeps it).
    if (model.tftp.enabled)
      await ensureModule(HELPER_KIND_SPECS.tftp.natModule, { runner: this.p.runner }).catch(() => null);
    const provisional = req.confirmWithinSeconds !== undefined;
    const before = store.meta.pending();
    const pending: PendingConfirmation | null = provisional
      ? {
          revisionId: revision.id,
          // A provisional apply on top of a provisional one goes back to the last confirmed state.
          previousRevisionId: before ? before.previousRevisionId : (parent?.id ?? null),
          deadline: Date.now() + (req.confirmWithinSeconds as number) * 1000,
        }
      : null;
    const status = provisional ? 'provisional' : 'confirmed';
    // One transaction, one fsync: what the kernel holds is recorded with the revision.
    store.tx(() => {
      store.revisions.update(revision.id, { status });
      if (before && before.revisionId !== revision.id)
        store.revisions.update(before.revisionId, { status: 'superseded' });
      store.meta.setActiveRevisionId(revision.id);
      store.meta.setAppliedFrom(desiredVersion);
      store.meta.setPending(pending);
      if (retiring.length > 0) store.takeover.setPending([], req.actor);
      store.audit.record(req.actor, kind, `revision:${revision.id}`, {
        provisional,
        confirmWithinSeconds: req.confirmWithinSeconds ?? null,
        restoredFrom: restoring?.id ?? null,
        forced: req.force ?? false,
        comment: req.comment ?? '',
        ...(saved.length > 0 ? { retired: saved.map(tableKey) } : {}),
      });
    });
    this.p.pendingChanged();
    const outcome: ApplyOutcome = {
      revision: { ...revision, status },
      activeRevisionId: revision.id,
      pending,
      durationMs,
      natFtp,
      delta: false,
    };
    this.announce(outcome, kind, req.actor, restoring?.id ?? null);
    if (!provisional) await this.p.bootFiles.write(model, natFtp);
    // Waits for the baseline capture above without hurrying it: after the reply.
    void this.p.drift.check({ hurry: false });
    return outcome;
  }

  /**
   * Applies a forward change made by DesiredState.changeForward(). When the
   * kernel holds exactly the desired model from before the change (applied
   * from that version, nothing provisional pending) and the change touches
   * only map elements, it goes to nft as one element delta and is recorded
   * as a delta revision; otherwise this is a whole apply of `current`.
   */
  async applyForwardChange(
    c: ForwardChangeResult,
    current: { model: GatewayModel; version: number },
    req: ApplyRequest,
  ): Promise<ApplyOutcome> {
    const { store, revisions } = this.p;
    const parent = revisions.active();
    const eligible =
      parent !== null &&
      store.meta.appliedFrom() === c.previous.version &&
      current.version === c.version &&
      req.confirmWithinSeconds === undefined &&
      !store.meta.pending() &&
      store.takeover.pending().length === 0;
    const plan = eligible ? planForwardDelta({ ...c.previous.settings, forwards: [] }, c.model, [c.change]) : null;
    if (plan?.kind !== 'delta' || !parent) return this.applyModel(current.model, null, 'apply', req, current.version);
    // The kernel holds the parent revision's model: the desired model of
    // c.previous.version. Only the changed forward can change the operator's
    // fate, so that is what is checked (lockout/check.ts), not 100,000 forwards
    // of the parent's model rebuilt from its delta chain (~5 ms a change).
    this.refuseLockout(
      () => forwardChangeLockoutProblems(c.previous.settings, c.change, req.operator ?? null),
      req,
      'apply',
      true,
    );
    const delta: RevisionDelta = { changes: [{ id: c.change.id, after: c.change.after ?? null }], script: plan.script };
    const revision = this.insertApplying({
      parentId: parent.id,
      author: req.actor,
      kind: 'apply',
      comment: req.comment ?? '',
      restoredFrom: null,
      delta: JSON.stringify(delta),
    });
    // What the boot files must hold, taken now: other changes may land while nft runs.
    const toPersist = this.p.bootFiles.enabled ? frozenCopy(c.model) : null;
    const durationMs = await this.load(plan.script, revision.id, 'apply', req.actor, true);
    store.tx(() => {
      store.revisions.update(revision.id, { status: 'confirmed' });
      store.meta.setActiveRevisionId(revision.id);
      store.meta.setAppliedFrom(c.version);
      store.audit.record(req.actor, 'apply', `revision:${revision.id}`, {
        provisional: false,
        delta: { added: plan.added, removed: plan.removed },
        forced: req.force ?? false,
        comment: req.comment ?? '',
      });
    });
    // Not remembered: c.model's forwards change in place with the next
    // change; Revisions.model() rebuilds this revision's from its parent.
    if (c.model.forwards.length > TERSE_DRIFT_ABOVE) this.p.drift.inheritBaseline(parent.id, revision.id);
    else this.p.drift.captureBaseline(revision.id, c.model);
    const outcome: ApplyOutcome = {
      revision: { ...revision, status: 'confirmed' },
      activeRevisionId: revision.id,
      pending: null,
      durationMs,
      natFtp: null,
      delta: true,
    };
    this.announce(outcome, 'apply', req.actor, null);
    void this.p.bootFiles.write(toPersist, null);
    return outcome;
  }

  /**
   * Puts the kernel back to a revision's script (no table when `targetId` is
   * null), as a new confirmed revision; `undone` is the revision it replaces.
   * Foreign tables retired by the revisions it undoes (and `alsoRetired`, an
   * interrupted apply's) are loaded back in the same transaction, and their
   * retirement is pending again, as the desired model keeps the takeover.
   */
  async restore(
    targetId: number | null,
    kind: RevisionKind,
    actor: string,
    undone: number | null,
    alsoRetired: readonly RetiredTable[] = [],
  ): Promise<void> {
    const { store, revisions } = this.p;
    const target = targetId === null ? null : (store.revisions.summary(targetId) ?? null);
    const current = revisions.active();
    const currentModel = revisions.model(current);
    const targetModel = revisions.model(target);
    let script: string;
    if (targetModel) script = revisions.scriptFor(targetModel, currentModel);
    else script = currentModel ? removalScript(currentModel.table) : '';
    const retired = [
      ...(undone === null ? [] : this.p.takeover.retiredIn(undoneChain(store, undone, targetId))),
      ...alsoRetired,
    ];
    // One transaction: our previous table and the retired tables as they were.
    // The revision keeps our script alone (a later drift restore loads it).
    const loaded = script + recreateScript(retired);
    let loadedMs = 0;
    if (loaded) {
      try {
        ({ durationMs: loadedMs } = await applyRuleset(loaded, { runner: this.p.runner }));
      } catch (err) {
        this.p.notify({ kind, result: 'failed' });
        throw err;
      }
    }
    const rev = store.tx(() => {
      const r = store.revisions.insert({
        parentId: current?.id ?? null,
        author: actor,
        kind,
        status: 'confirmed',
        model: JSON.stringify(targetModel ?? null),
        script,
        baseline: null,
        delta: null,
        comment: target ? `restored revision ${target.id}` : 'removed the table: nothing was applied before',
        restoredFrom: target?.id ?? null,
        // A pair's revision loaded again holds what the nodes that held it hold (issue #16).
        nodes: target?.nodes ?? null,
        origin: target?.origin ?? null,
      });
      if (undone !== null) store.revisions.update(undone, { status: 'rolled-back' });
      store.meta.setActiveRevisionId(targetModel ? r.id : null);
      store.meta.setAppliedFrom(null);
      store.meta.setPending(null);
      if (retired.length > 0) {
        store.takeover.markRestored(retired, r.id);
        store.takeover.addPending(retired, actor);
      }
      store.audit.record(actor, kind, `revision:${r.id}`, {
        restoredFrom: target?.id ?? null,
        undone,
        ...(retired.length > 0 ? { restoredTables: retired.map(tableKey) } : {}),
      });
      return r;
    });
    this.p.pendingChanged();
    if (targetModel) {
      revisions.remember(rev.id, targetModel);
      this.p.drift.captureBaseline(rev.id, targetModel);
    }
    this.p.notify({ kind, result: 'ok', durationMs: loadedMs });
    this.p.log.warn({ revision: rev.id, restoredFrom: target?.id ?? null, undone }, 'previous revision restored');
    this.p.hub.publish('rollback', {
      revision: rev.id,
      kind,
      author: actor,
      restoredFrom: target?.id ?? null,
      undone,
    });
    void this.p.drift.check();
  }

  /** Loads a script; when nft refuses it, the revision is marked failed and audited, and the error goes on. */
  private async load(
    script: string,
    revisionId: number,
    kind: RevisionKind,
    actor: string,
    delta: boolean,
    whileLoading?: () => void,
  ): Promise<number> {
    try {
      const { durationMs } = await applyRuleset(
        script,
        { runner: this.p.runner },
        whileLoading ? { whileLoading } : {},
      );
      return durationMs;
    } catch (err) {
      this.p.store.tx(() => {
        this.p.store.revisions.update(revisionId, { status: 'failed' });
        this.p.store.audit.record(actor, `${kind}.failed`, `revision:${revisionId}`, {
          message: err instanceof Error ? err.message : String(err),
        });
      });
      this.p.notify({ kind, result: 'failed', ...(delta ? { delta } : {}) });
      throw err;
    }
  }

  /** Refuses (409 lockout) an apply that would cut off the operator's own connection, unless forced. */
  private refuseLockout(check: () => LockoutProblem[], req: ApplyRequest, kind: RevisionKind, delta: boolean): void {
    if (req.force) return;
    const problems = check();
    if (problems.length === 0) return;
    this.p.notify({ kind, result: 'refused', ...(delta ? { delta } : {}) });
    this.p.store.audit.record(req.actor, `${kind}.refused`, 'gateway', { problems });
    throw new HttpError(
      409,
      'lockout',
      'this apply would cut off the connection you are using; send force: true to apply anyway',
      { extra: { lockout: problems } },
    );
  }

  /**
   * The `applying` row written just before nft runs (so a crash mid-apply is
   * undone at start); texts and baseline come later. Not flushed to disk:
   * see RevisionsRepository.insert.
   */
  private insertApplying(r: Omit<NewRevision, 'status' | 'baseline'>): RevisionSummary {
    return this.p.store.revisions.insert({ ...r, status: 'applying', baseline: null }, { flush: false });
  }

  private announce(o: ApplyOutcome, kind: RevisionKind, actor: string, restoredFrom: number | null): void {
    const provisional = o.pending !== null;
    this.p.notify({ kind, result: 'ok', durationMs: o.durationMs, ...(o.delta ? { delta: true } : {}) });
    this.p.log.info(
      { revision: o.revision.id, kind, provisional, delta: o.delta, actor, ms: Math.round(o.durationMs) },
      o.delta ? 'forward change applied' : 'gateway ruleset applied',
    );
    this.p.hub.publish(kind === 'apply' ? 'apply' : 'rollback', {
      revision: o.revision.id,
      kind,
      author: actor,
      provisional,
      deadline: o.pending ? new Date(o.pending.deadline).toISOString() : null,
      restoredFrom,
    });
  }
}
