/**
 * The gateway service: the desired model, and the one path by which it
 * reaches the kernel.
 *
 *   desired model -> compile -> lockout check -> nft -f (one transaction) -> revision
 *   (then, off the request path: read the table back as the drift baseline)
 *
 * No `nft -c` first: nft -f is one transaction, so a script it rejects
 * changes nothing, and a separate check would only load the script twice.
 *
 * At 100,000 forwards every whole-model step costs hundreds of milliseconds
 * (validation ~1 s, compile ~0.3 s, JSON ~0.15 s, `nft list table` ~2.4 s),
 * so the hot paths avoid them: the validated desired model and its script
 * are cached in memory per version; forwards are rows, and a one-forward
 * change is checked against an index of the public ports in use
 * (ForwardPortIndex, same rules and messages as the model); when the kernel
 * holds exactly the desired state before that change, it is applied as an
 * element delta (planForwardDelta) and recorded as a delta revision.
 *
 * Commit-confirm: a provisional apply records which revision to go back to
 * and by when. The record is in the store, not only in a timer, so a server
 * that was restarted (or killed) in between still restores the previous
 * revision when the deadline passes. An apply interrupted half-way (the
 * revision is still `applying` at start) is undone by re-applying the
 * revision that was active before it: that apply was never acknowledged.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  applyRuleset,
  compareListings,
  compile,
  ensureNatFtp,
  type FieldProblem,
  ForwardPortIndex,
  feedsFtpHelper,
  type GatewayModel,
  type ModuleState,
  NAT_FTP_MODULE,
  NftError,
  type PortForward,
  planForwardDelta,
  probeModule,
  type Runner,
  readTable,
  readTableJson,
  renderPersistence,
  TABLE_FAMILY,
  validateModel,
} from '@gatehouse/rules';
import { createTwoFilesPatch } from 'diff';
import { ApplyBusyError, HttpError } from '../lib/errors.js';
import type { DriftState } from '../schemas/status.js';
import type { PendingConfirmation, RevisionKind, RevisionRecord, Store } from '../store/store.js';
import { forwardsBefore } from './desired-revert.js';
import type { EventHub } from './events.js';
import { lockoutProblems, type OperatorConnection } from './lockout.js';

export interface GatewayLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

export interface GatewayServiceOptions {
  store: Store;
  runner: Runner;
  hub: EventHub;
  log: GatewayLogger;
  initialModel: unknown;
  driftIntervalMs: number;
  persistence?: { nftIncludeDir?: string | undefined; modulesLoadDir?: string | undefined };
}

export interface ApplyRequest {
  actor: string;
  confirmWithinSeconds?: number | undefined;
  force?: boolean;
  comment?: string;
  operator?: OperatorConnection | null;
}

export interface ApplyOutcome {
  revision: RevisionRecord;
  pending: PendingConfirmation | null;
  durationMs: number;
  natFtp: ModuleState | null;
}

/** What an apply, rollback or automatic rollback came to (for metrics). */
export interface ApplyObservation {
  kind: RevisionKind;
  result: 'ok' | 'failed' | 'refused';
  /** Time nft took to load the script (successful loads only). */
  durationMs?: number;
  delta?: boolean;
}

/** Meta key: the desired-model version the active revision was applied from (the kernel holds exactly it). */
const APPLIED_FROM = 'applied_desired_version';

export const DEFAULT_MODEL = { interfaces: { wan: 'eth0', lan: ['eth1'] } };

/** A script that removes our table (declaring it first so the delete cannot fail). */
function removalScript(table: string): string {
  return `table ${TABLE_FAMILY} ${table}\ndelete table ${TABLE_FAMILY} ${table}\n`;
}

/** Above this many forwards, drift compares the terse listing (structure and rules, no map elements). */
export /** How long after an apply its drift baseline is read. */
const BASELINE_DELAY_MS = 200;
const TERSE_DRIFT_ABOVE = 2000;
/** Scripts longer than this are not stored with their revision when they are the model compiled. */
const STORE_SCRIPT_UP_TO = 1024 * 1024;

interface DesiredCache {
  model: GatewayModel;
  version: number;
  script?: string;
  index?: ForwardPortIndex;
}

/** What a delta revision stores: the forwards it changed, in the order applied (null: deleted). */
interface RevisionDelta {
  changes: Array<{ id: string; after: PortForward | null }>;
  script: string;
}

export interface ForwardChangeResult {
  model: GatewayModel;
  version: number;
  forward: PortForward | undefined;
  change: { id: string; before: PortForward | undefined; after: PortForward | undefined };
  previous: { model: GatewayModel; version: number };
  /** Where the forward is (was, for a delete) in the list. */
  position: number;
}

/** A model with the changes of delta revisions applied in order: one copy of the forwards, O(forwards + changes). */
function applyDeltas(base: GatewayModel, deltas: readonly RevisionDelta[]): GatewayModel {
  if (deltas.length === 0) return base;
  const forwards: Array<PortForward | undefined> = base.forwards.slice();
  const at = new Map<string, number>();
  for (let i = 0; i < forwards.length; i++) at.set((forwards[i] as PortForward).id, i);
  let removed = false;
  for (const d of deltas) {
    for (const c of d.changes) {
      const i = at.get(c.id);
      if (c.after === null) {
        if (i !== undefined) {
          forwards[i] = undefined;
          at.delete(c.id);
          removed = true;
        }
      } else if (i !== undefined) forwards[i] = c.after;
      else {
        at.set(c.id, forwards.length);
        forwards.push(c.after);
      }
    }
  }
  return { ...base, forwards: removed ? forwards.filter((f) => f !== undefined) : (forwards as PortForward[]) };
}

/** A model whose forwards no later in-place change can reach (see changeForward). */
function frozenCopy(model: GatewayModel): GatewayModel {
  return { ...model, forwards: model.forwards.slice() };
}

function diffScripts(before: string, after: string, fromLabel: string, toLabel: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(fromLabel, toLabel, before, after, '', '', { context: 3 });
}

export class GatewayService {
  readonly store: Store;
  readonly runner: Runner;
  private readonly hub: EventHub;
  private readonly log: GatewayLogger;
  private readonly driftIntervalMs: number;
  private readonly persistence: GatewayServiceOptions['persistence'];
  private busy = false;
  private confirmTimer: NodeJS.Timeout | undefined;
  private driftTimer: NodeJS.Timeout | undefined;
  private driftRunning: Promise<DriftState> | null = null;
  private closed = false;
  private cache: DesiredCache | null = null;
  /** Models of recent revisions (the active one above all), parsed once. */
  private readonly revisionModels = new Map<number, GatewayModel | null>();
  private baselineCapture: Promise<void> | null = null;
  private hurryBaseline: () => void = () => {};
  drift: DriftState = { state: 'unknown', checkedAt: null, diff: '', added: [], removed: [] };
  private readonly observers = new Set<(o: ApplyObservation) => void>();

  constructor(o: GatewayServiceOptions) {
    this.store = o.store;
    this.runner = o.runner;
    this.hub = o.hub;
    this.log = o.log;
    this.driftIntervalMs = o.driftIntervalMs;
    this.persistence = o.persistence;
    if (!this.store.getDesired()) {
      const parsed = validateModel(o.initialModel ?? DEFAULT_MODEL);
      if (!parsed.ok) {
        throw new Error(
          `the initial gateway model is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        );
      }
      this.store.putDesired(parsed.model, undefined);
    }
  }

  /** Calls `fn` after every apply, rollback and automatic rollback, whatever came of it. */
  observeApplies(fn: (o: ApplyObservation) => void): () => void {
    this.observers.add(fn);
    return () => this.observers.delete(fn);
  }

  private notify(o: ApplyObservation): void {
    for (const fn of this.observers) fn(o);
  }

  // --- desired state ------------------------------------------------------------

  desired(): { model: GatewayModel; version: number } {
    const version = this.store.desiredVersion();
    if (this.cache?.version === version) return this.cache;
    const d = this.store.getDesired();
    if (!d) throw new Error('no desired state');
    const parsed = validateModel(d.model);
    // Stored models were validated on the way in; a failure here means a model upgrade broke one.
    if (!parsed.ok) throw new HttpError(500, 'stored_model_invalid', 'the stored gateway model no longer validates');
    this.cache = { model: parsed.model, version: d.version };
    return this.cache;
  }

  /** The script of the desired model, compiled once per version. */
  private desiredScript(model: GatewayModel): string {
    const c = this.cache;
    if (c && c.model === model) {
      c.script ??= compile(model);
      return c.script;
    }
    return compile(model);
  }

  /** Validates and stores a new desired model; `ifVersion` is the ETag the client last saw. */
  putDesired(
    input: unknown,
    ifVersion: number | undefined,
    actor: string,
    action: string,
    target: string,
    mapPath: (modelPath: string) => string = (p) => (p ? `body.${p}` : 'body'),
  ): { model: GatewayModel; version: number } {
    const parsed = validateModel(input);
    if (!parsed.ok) throw this.invalid(parsed.problems, mapPath);
    const version = this.store.tx(() => {
      const v = this.store.putDesired(parsed.model, ifVersion);
      if (v !== null) this.store.audit(actor, action, target, { version: v });
      return v;
    });
    if (version === null) throw this.stale();
    const cache: DesiredCache = { model: parsed.model, version };
    this.cache = cache;
    // Compile the new model after the response (~0.3 s at 100,000 forwards), so an apply finds it ready.
    setImmediate(() => {
      if (this.cache === cache && !this.closed) this.desiredScript(cache.model);
    });
    return cache;
  }

  private invalid(problems: FieldProblem[], mapPath: (modelPath: string) => string): HttpError {
    return new HttpError(400, 'validation', 'the gateway model would be invalid', {
      problems: problems.map((p) => ({ path: mapPath(p.path), message: p.message })),
    });
  }

  private stale(): HttpError {
    return new HttpError(
      412,
      'precondition_failed',
      'the configuration was changed by someone else; reload it and try again',
      {
        extra: { currentVersion: this.store.desiredVersion() },
      },
    );
  }

  /**
   * Creates, replaces or deletes one forward. The change is checked against
   * the port index (not the whole model) and stored as one row; when the
   * index cannot decide (FTP helper coverage), the whole model is validated.
   * Problem paths are model paths mapped through `mapPath(path, position)`.
   */
  changeForward(
    op:
      | { kind: 'create'; forward: unknown; id: string }
      | { kind: 'update'; forward: unknown; id: string }
      | { kind: 'delete'; id: string },
    ifVersion: number | undefined,
    actor: string,
    mapPath: (modelPath: string, position: number) => string,
  ): ForwardChangeResult {
    const current = this.desired();
    if (ifVersion !== undefined && ifVersion !== current.version) throw this.stale();
    const cache = this.cache as DesiredCache;
    cache.index ??= new ForwardPortIndex(current.model.forwards);
    const index = cache.index;
    const model = current.model;
    const { id } = op;
    let position: number;
    if (op.kind === 'create') {
      if (index.has(id) || model.gatewayForwards.some((g) => g.id === id)) {
        throw new HttpError(409, 'exists', `id "${id}" is already used`);
      }
      position = model.forwards.length;
    } else {
      position = index.has(id) ? model.forwards.findIndex((f) => f.id === id) : -1;
      if (position < 0) throw new HttpError(404, 'not_found', `forward ${id} not found`);
    }
    const before = op.kind === 'create' ? undefined : (model.forwards[position] as PortForward);
    let after: PortForward | undefined;
    let full = false;
    if (op.kind === 'delete') {
      full = model.ftp.enabled && feedsFtpHelper(model, before as PortForward);
    } else {
      const check = index.check(model, op.forward, position);
      if (check.kind === 'invalid') throw this.invalid(check.problems, (p) => mapPath(p, position));
      if (check.kind === 'full') {
        full = true;
        after = op.forward as PortForward;
      } else after = check.forward;
    }
    const change = (forwards: PortForward[]) => {
      if (op.kind === 'delete') forwards.splice(position, 1);
      else forwards[position] = after as PortForward;
    };
    const action = `forward.${op.kind}`;
    const previous = { model, version: current.version };
    if (full) {
      const forwards = model.forwards.slice();
      change(forwards);
      const d = this.putDesired({ ...model, forwards }, current.version, actor, action, `forward:${id}`, (p) =>
        mapPath(p, position),
      );
      const stored = d.model.forwards.find((f) => f.id === id);
      return { ...d, forward: stored, change: { id, before, after: stored }, previous, position };
    }
    const version = this.store.tx(() => {
      const v = after ? this.store.putForward(after, current.version) : this.store.deleteForward(id, current.version);
      if (v !== null) this.store.audit(actor, action, `forward:${id}`, { version: v });
      return v;
    });
    if (version === null) throw this.stale();
    index.remove(id);
    if (after) index.add(after);
    // The forwards change in place: a copy of 100,000 per change was a large
    // young array the GC then scanned (scavenges of 10-35 ms in a series of
    // changes). Nothing that must keep a past state holds this array: an
    // apply works on its own copy (applyModel), revision models are copies
    // or rebuilt from deltas (revisionModel), persistence copies before its
    // first await; `previous` is only read for what is not forwards.
    change(model.forwards);
    const next: GatewayModel = { ...model };
    this.cache = { model: next, version, index };
    return { model: next, version, forward: after, change: { id, before, after }, previous, position };
  }

  /** Changes the desired model through a function (forwards, ftp routes), checked against the version. */
  updateDesired(
    change: (model: GatewayModel) => unknown,
    ifVersion: number | undefined,
    actor: string,
    action: string,
    target: string,
    mapPath?: (modelPath: string) => string,
  ): { model: GatewayModel; version: number } {
    const current = this.desired();
    if (ifVersion !== undefined && ifVersion !== current.version) {
      throw new HttpError(
        412,
        'precondition_failed',
        'the configuration was changed by someone else; reload it and try again',
        {
          extra: { currentVersion: current.version },
        },
      );
    }
    const next = change(structuredClone(current.model) as GatewayModel);
    return this.putDesired(next, current.version, actor, action, target, mapPath);
  }

  /**
   * Puts the desired state back to `model` at `version` after the change that
   * made `failedVersion` could not be applied (see desired-revert.ts). Only
   * when nobody changed it since; returns whether it did.
   */
  revertDesired(model: GatewayModel, version: number, failedVersion: number, actor: string, reason: string): boolean {
    const done = this.store.tx(() => {
      if (this.store.putDesired(model, failedVersion) === null) return false;
      this.store.setMeta('desired_version', String(version));
      this.store.audit(actor, 'config.revert', 'config', { version, failedVersion, reason });
      return true;
    });
    if (done) this.cache = null;
    return done;
  }

  /** revertDesired() for a change made by changeForward(). */
  revertForwardChange(c: ForwardChangeResult, actor: string, reason: string): boolean {
    const current = this.desired();
    if (current.version !== c.version) return false;
    const forwards = forwardsBefore(current.model.forwards, c.change, c.position);
    return this.revertDesired({ ...c.previous.model, forwards }, c.previous.version, c.version, actor, reason);
  }

  // --- revisions ------------------------------------------------------------------

  /** The active revision without its model, script and diff (see scriptOf / revisionModel). */
  activeRevision(): RevisionRecord | null {
    const id = this.store.activeRevisionId();
    return id === null ? null : (this.store.getRevisionSummary(id) ?? null);
  }

  /**
   * Keeps the most recent revision models: up to four, and no more than
   * 250,000 forwards in all (at least the newest). Each saved model is its
   * own set of forward objects: four of 100,000 forwards were ~200 MB of heap
   * for the GC to mark, on threads that share the two cores with nft.
   */
  private rememberModel(id: number, model: GatewayModel | null): void {
    this.revisionModels.delete(id);
    this.revisionModels.set(id, model);
    const total = () => {
      let n = 0;
      for (const m of this.revisionModels.values()) n += m?.forwards.length ?? 0;
      return n;
    };
    while (this.revisionModels.size > 4 || (this.revisionModels.size > 1 && total() > 250_000)) {
      this.revisionModels.delete(this.revisionModels.keys().next().value as number);
    }
  }

  /**
   * A revision's model: parsed once and kept for the recent ones. A delta
   * revision is rebuilt from the nearest revision whose model is known or
   * stored whole, with the deltas in between applied in one pass.
   */
  revisionModel(r: RevisionRecord | null): GatewayModel | null {
    if (!r) return null;
    const known = this.revisionModels.get(r.id);
    if (known !== undefined) return known;
    const deltas: RevisionDelta[] = [];
    let base: GatewayModel | null = null;
    for (let cur: RevisionRecord | null = r; cur; ) {
      const k = this.revisionModels.get(cur.id);
      if (k !== undefined) {
        base = k;
        break;
      }
      if (!cur.delta) {
        const text = cur.model || (this.store.getRevision(cur.id)?.model ?? '');
        if (text) {
          const parsed = validateModel(JSON.parse(text));
          base = parsed.ok ? parsed.model : null;
        }
        if (cur.id !== r.id) this.rememberModel(cur.id, base);
        break;
      }
      deltas.push(JSON.parse(cur.delta) as RevisionDelta);
      cur = cur.parentId === null ? null : (this.store.getRevisionSummary(cur.parentId) ?? null);
    }
    const model = base ? applyDeltas(base, deltas.reverse()) : null;
    this.rememberModel(r.id, model);
    return model;
  }

  /** The script a revision loaded (a delta revision: the script its model compiles to). */
  scriptOf(r: RevisionRecord | null): string {
    if (!r) return '';
    if (r.delta) {
      const m = this.revisionModel(r);
      return m ? compile(m) : '';
    }
    const stored = r.script || (this.store.getRevision(r.id)?.script ?? '');
    if (stored) return stored;
    // Large revisions are stored without their script (see applyModel).
    const m = this.revisionModel(r);
    return m ? this.desiredScript(m) : '';
  }

  /** The diff of a revision's script against its parent's, computed when first asked for. */
  revisionDiff(r: RevisionRecord): string {
    const full = r.diff ? r : this.store.getRevision(r.id);
    if (full?.diff) return full.diff;
    const parent = r.parentId === null ? null : (this.store.getRevisionSummary(r.parentId) ?? null);
    const diff = diffScripts(
      this.scriptOf(parent),
      this.scriptOf(r),
      parent ? `revision ${parent.id}` : 'nothing applied',
      'this revision',
    );
    if (diff) this.store.updateRevision(r.id, { diff });
    return diff;
  }

  pending(): (PendingConfirmation & { secondsLeft: number }) | null {
    const p = this.store.getPending();
    return p ? { ...p, secondsLeft: Math.max(0, Math.ceil((p.deadline - Date.now()) / 1000)) } : null;
  }

  /** The script for a model; when the table was renamed since the applied revision, the old table goes too. */
  private scriptFor(model: GatewayModel, previous: GatewayModel | null): string {
    const script = this.desiredScript(model);
    if (previous && previous.table !== model.table) return removalScript(previous.table) + script;
    return script;
  }

  async preview(operator: OperatorConnection | null) {
    const { model } = this.desired();
    const active = this.activeRevision();
    const activeModel = this.revisionModel(active);
    const script = this.scriptFor(model, activeModel);
    const diff = diffScripts(
      this.scriptOf(active),
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

  // --- apply ------------------------------------------------------------------------

  /** Serializes applies: a second one while one runs is refused (409), not queued. */
  private async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (this.busy) throw new ApplyBusyError();
    this.busy = true;
    try {
      return await fn();
    } finally {
      this.busy = false;
    }
  }

  get applying(): boolean {
    return this.busy;
  }

  apply(req: ApplyRequest): Promise<ApplyOutcome> {
    return this.exclusive(async () => {
      const { model, version } = this.desired();
      return this.applyModel(model, null, 'apply', req, version);
    });
  }

  /**
   * Applies a forward change made by changeForward(). When the kernel holds
   * exactly the desired model from before the change (applied from that
   * version, nothing provisional pending) and the change touches only map
   * elements, it goes to nft as one element delta and is recorded as a delta
   * revision; otherwise this is a whole apply of the desired model.
   */
  applyForwardChange(c: ForwardChangeResult, req: ApplyRequest): Promise<ApplyOutcome & { delta: boolean }> {
    return this.exclusive(async () => {
      const applied = this.store.getMeta(APPLIED_FROM);
      const parent = this.activeRevision();
      const current = this.desired();
      const eligible =
        parent !== null &&
        applied === String(c.previous.version) &&
        current.version === c.version &&
        req.confirmWithinSeconds === undefined &&
        !this.store.getPending();
      const plan = eligible ? planForwardDelta(c.previous.model, c.model, [c.change]) : null;
      if (plan?.kind !== 'delta' || !parent) {
        const outcome = await this.applyModel(current.model, null, 'apply', req, current.version);
        return { ...outcome, delta: false };
      }
      if (!req.force) {
        // The kernel holds the parent revision's model; c.previous.model's forwards have changed in place.
        const problems = lockoutProblems(c.model, this.revisionModel(parent), req.operator ?? null);
        if (problems.length > 0) {
          this.notify({ kind: 'apply', result: 'refused', delta: true });
          this.store.audit(req.actor, 'apply.refused', 'gateway', { problems });
          throw new HttpError(
            409,
            'lockout',
            'this apply would cut off the connection you are using; send force: true to apply anyway',
            {
              extra: { lockout: problems },
            },
          );
        }
      }
      const delta: RevisionDelta = {
        changes: [{ id: c.change.id, after: c.change.after ?? null }],
        script: plan.script,
      };
      const revision = this.insertApplying({
        parentId: parent.id,
        author: req.actor,
        kind: 'apply',
        comment: req.comment ?? '',
        restoredFrom: null,
        delta: JSON.stringify(delta),
      });
      // What the boot files must hold, taken now: other changes may land while nft runs.
      const toPersist = this.persistsFiles() ? frozenCopy(c.model) : null;
      let durationMs: number;
      try {
        ({ durationMs } = await applyRuleset(plan.script, { runner: this.runner }));
      } catch (err) {
        this.store.tx(() => {
          this.store.updateRevision(revision.id, { status: 'failed' });
          this.store.audit(req.actor, 'apply.failed', `revision:${revision.id}`, {
            message: err instanceof Error ? err.message : String(err),
          });
        });
        this.notify({ kind: 'apply', result: 'failed', delta: true });
        throw err;
      }
      this.store.tx(() => {
        this.store.updateRevision(revision.id, { status: 'confirmed' });
        this.store.setActiveRevision(revision.id);
        this.store.setMeta(APPLIED_FROM, String(c.version));
        this.store.audit(req.actor, 'apply', `revision:${revision.id}`, {
          provisional: false,
          delta: { added: plan.added, removed: plan.removed },
          forced: req.force ?? false,
          comment: req.comment ?? '',
        });
      });
      // Not remembered: c.model's forwards change in place with the next
      // change; revisionModel() rebuilds this revision's from its parent.
      this.revisionModels.delete(revision.id);
      // Map elements are not in a terse listing: the parent's baseline still holds.
      if (c.model.forwards.length > TERSE_DRIFT_ABOVE) this.inheritBaseline(parent.id, revision.id);
      else this.captureBaseline(revision.id, c.model);
      const saved = { ...revision, status: 'confirmed' as const };
      this.notify({ kind: 'apply', result: 'ok', durationMs, delta: true });
      this.log.info(
        { revision: saved.id, kind: 'apply', delta: true, actor: req.actor, ms: Math.round(durationMs) },
        'forward change applied',
      );
      this.hub.publish('apply', {
        revision: saved.id,
        kind: 'apply',
        author: req.actor,
        provisional: false,
        deadline: null,
        restoredFrom: null,
      });
      void this.persist(toPersist, null);
      return { revision: saved, pending: null, durationMs, natFtp: null, delta: true };
    });
  }

  /** Reads the drift baseline of a revision off the request path. */
  private captureBaseline(revisionId: number, model: GatewayModel): void {
    const terse = model.forwards.length > TERSE_DRIFT_ABOVE;
    // A large table's listing is CPU the reply would otherwise share (2
    // cores), so it is read a moment after the response has gone out; a drift
    // check in the meantime takes it at once (hurryBaseline). Small tables are
    // read straight away: no window for a hand edit to slip into the baseline.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const timer = setTimeout(release, terse ? BASELINE_DELAY_MS : 0);
    this.hurryBaseline = () => {
      clearTimeout(timer);
      release();
    };
    this.baselineCapture = (this.baselineCapture ?? Promise.resolve()).then(async () => {
      await released;
      const baseline = await readTable(model.table, { runner: this.runner }, { terse }).catch(() => null);
      this.store.updateRevision(revisionId, { baseline });
    });
  }

  private inheritBaseline(fromId: number, toId: number): void {
    this.baselineCapture = (this.baselineCapture ?? Promise.resolve()).then(() => {
      const baseline = this.store.getRevisionSummary(fromId)?.baseline ?? null;
      this.store.updateRevision(toId, { baseline });
    });
  }

  /** Applies an old revision again; the result is a new revision, and the desired model becomes that revision's. */
  rollbackTo(revisionId: number, req: ApplyRequest): Promise<ApplyOutcome> {
    return this.exclusive(async () => {
      const target = this.store.getRevision(revisionId);
      if (!target || target.status === 'failed' || target.status === 'applying') {
        throw new HttpError(404, 'not_found', `revision ${revisionId} not found or never applied`);
      }
      const model = this.revisionModel(target);
      if (!model)
        throw new HttpError(409, 'not_restorable', `revision ${revisionId} holds no gateway model to restore`);
      const outcome = await this.applyModel(model, target, 'rollback', req);
      const version = this.store.putDesired(model, undefined);
      if (version !== null) {
        this.cache = { model, version };
        this.store.setMeta(APPLIED_FROM, String(version));
      }
      this.store.audit(req.actor, 'config.replace', 'config', {
        version,
        reason: `rollback to revision ${revisionId}`,
      });
      return outcome;
    });
  }

  private async applyModel(
    desired: GatewayModel,
    restoring: RevisionRecord | null,
    kind: RevisionKind,
    req: ApplyRequest,
    /** The desired-model version being applied, if it is the desired model. */
    desiredVersion: number | null = null,
  ): Promise<ApplyOutcome> {
    const parent = this.activeRevision();
    const parentModel = this.revisionModel(parent);
    const script = this.scriptFor(desired, parentModel);
    // This apply's own copy: the desired model's forwards change in place
    // (changeForward) while nft runs, and what is recorded must be what was loaded.
    const model = frozenCopy(desired);
    // Without a rename the script is the model compiled, nothing more (scriptFor).
    const renamed = parentModel !== null && parentModel.table !== model.table;
    if (!req.force) {
      const problems = lockoutProblems(model, parentModel, req.operator ?? null);
      if (problems.length > 0) {
        this.notify({ kind, result: 'refused' });
        this.store.audit(req.actor, `${kind}.refused`, 'gateway', { problems });
        throw new HttpError(
          409,
          'lockout',
          'this apply would cut off the connection you are using; send force: true to apply anyway',
          {
            extra: { lockout: problems },
          },
        );
      }
    }
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
    let durationMs: number;
    try {
      ({ durationMs } = await applyRuleset(
        script,
        { runner: this.runner },
        {
          whileLoading: () =>
            this.store.updateRevision(revision.id, {
              model: JSON.stringify(model),
              // A large script that is just the model compiled is not stored:
              // compile() is deterministic, scriptOf() compiles it again when asked.
              script: script.length > STORE_SCRIPT_UP_TO && !renamed ? '' : script,
            }),
        },
      ));
    } catch (err) {
      this.store.tx(() => {
        this.store.updateRevision(revision.id, { status: 'failed' });
        this.store.audit(req.actor, `${kind}.failed`, `revision:${revision.id}`, {
          message: err instanceof Error ? err.message : String(err),
        });
      });
      this.notify({ kind, result: 'failed' });
      throw err;
    }
    this.rememberModel(revision.id, model);
    this.captureBaseline(revision.id, model);
    const natFtp = model.ftp.enabled ? await ensureNatFtp({ runner: this.runner }).catch(() => null) : null;
    const provisional = req.confirmWithinSeconds !== undefined;
    const before = this.store.getPending();
    const pending: PendingConfirmation | null = provisional
      ? {
          revisionId: revision.id,
          // A provisional apply on top of a provisional one goes back to the last confirmed state.
          previousRevisionId: before ? before.previousRevisionId : (parent?.id ?? null),
          deadline: Date.now() + (req.confirmWithinSeconds as number) * 1000,
        }
      : null;
    this.store.tx(() => {
      this.store.updateRevision(revision.id, { status: provisional ? 'provisional' : 'confirmed' });
      if (before && before.revisionId !== revision.id)
        this.store.updateRevision(before.revisionId, { status: 'superseded' });
      this.store.setActiveRevision(revision.id);
      // One transaction, one fsync: what the kernel holds is recorded with the revision.
      this.store.setMeta(APPLIED_FROM, desiredVersion === null ? null : String(desiredVersion));
      this.store.setPending(pending);
      this.store.audit(req.actor, kind, `revision:${revision.id}`, {
        provisional,
        confirmWithinSeconds: req.confirmWithinSeconds ?? null,
        restoredFrom: restoring?.id ?? null,
        forced: req.force ?? false,
        comment: req.comment ?? '',
      });
    });
    this.armConfirmTimer();
    const saved = this.store.getRevisionSummary(revision.id) as RevisionRecord;
    this.notify({ kind, result: 'ok', durationMs });
    this.log.info(
      { revision: saved.id, kind, provisional, actor: req.actor, ms: Math.round(durationMs) },
      'gateway ruleset applied',
    );
    this.hub.publish(kind === 'apply' ? 'apply' : 'rollback', {
      revision: saved.id,
      kind,
      author: req.actor,
      provisional,
      deadline: pending ? new Date(pending.deadline).toISOString() : null,
      restoredFrom: restoring?.id ?? null,
    });
    if (!provisional) await this.persist(model, natFtp);
    // Waits for the baseline capture above without hurrying it: after the reply.
    void this.checkDrift({ hurry: false });
    return { revision: saved, pending, durationMs, natFtp };
  }

  confirm(actor: string): RevisionRecord {
    const p = this.store.getPending();
    if (!p) throw new HttpError(409, 'nothing_to_confirm', 'no provisional apply is waiting for confirmation');
    this.store.tx(() => {
      this.store.updateRevision(p.revisionId, { status: 'confirmed' });
      this.store.setPending(null);
      this.store.audit(actor, 'confirm', `revision:${p.revisionId}`, {});
    });
    this.armConfirmTimer();
    const rev = this.store.getRevisionSummary(p.revisionId) as RevisionRecord;
    this.hub.publish('confirm', { revision: rev.id, author: actor });
    void this.persist(this.revisionModel(rev), null);
    return rev;
  }

  private armConfirmTimer(): void {
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
    const p = this.store.getPending();
    if (!p || this.closed) return;
    // +1: never wake before the deadline on Date.now()'s clock (see restoreUnconfirmed).
    const delay = Math.max(0, p.deadline - Date.now()) + 1;
    this.confirmTimer = setTimeout(() => void this.restoreUnconfirmed(), Math.min(delay, 2 ** 31 - 1));
  }

  /** The deadline passed without a confirm: go back to the revision before the provisional apply. */
  async restoreUnconfirmed(): Promise<void> {
    if (this.closed) return;
    if (this.busy) {
      this.confirmTimer = setTimeout(() => void this.restoreUnconfirmed(), 500);
      return;
    }
    const early = this.store.getPending();
    if (early && early.deadline > Date.now()) {
      // Timers run on the event loop's cached clock and can fire a millisecond
      // before Date.now() reaches the deadline: arm again rather than give up
      // (which left a provisional apply unconfirmed and never rolled back).
      this.armConfirmTimer();
      return;
    }
    try {
      await this.exclusive(async () => {
        const p = this.store.getPending();
        if (!p || p.deadline > Date.now()) return;
        await this.restore(p.previousRevisionId, 'auto-rollback', 'system (confirmation timed out)', p.revisionId);
      });
    } catch (err) {
      this.log.error({ err }, 'restoring the previous revision failed; retrying in 5 s');
      if (!this.closed) this.confirmTimer = setTimeout(() => void this.restoreUnconfirmed(), 5000);
    }
  }

  /** Puts the kernel back to a revision's script (or no table), as a new revision. */
  private async restore(
    targetId: number | null,
    kind: RevisionKind,
    actor: string,
    undone: number | null,
  ): Promise<void> {
    const target = targetId === null ? null : (this.store.getRevision(targetId) ?? null);
    const current = this.activeRevision();
    const currentModel = this.revisionModel(current);
    const targetModel = this.revisionModel(target);
    let script: string;
    if (targetModel) script = this.scriptFor(targetModel, currentModel);
    else script = currentModel ? removalScript(currentModel.table) : '';
    let loadedMs = 0;
    if (script) {
      try {
        ({ durationMs: loadedMs } = await applyRuleset(script, { runner: this.runner }));
      } catch (err) {
        this.notify({ kind, result: 'failed' });
        throw err;
      }
    }
    const rev = this.store.tx(() => {
      const r = this.store.insertRevision({
        parentId: current?.id ?? null,
        author: actor,
        kind,
        status: 'confirmed',
        model: JSON.stringify(targetModel ?? null),
        script,
        diff: '',
        baseline: null,
        delta: null,
        comment: target ? `restored revision ${target.id}` : 'removed the table: nothing was applied before',
        restoredFrom: target?.id ?? null,
      });
      if (undone !== null) this.store.updateRevision(undone, { status: 'rolled-back' });
      this.store.setActiveRevision(targetModel ? r.id : null);
      this.store.setMeta(APPLIED_FROM, null);
      this.store.setPending(null);
      this.store.audit(actor, kind, `revision:${r.id}`, { restoredFrom: target?.id ?? null, undone });
      return r;
    });
    if (targetModel) {
      this.rememberModel(rev.id, targetModel);
      this.captureBaseline(rev.id, targetModel);
    }
    this.notify({ kind, result: 'ok', durationMs: loadedMs });
    this.log.warn({ revision: rev.id, restoredFrom: target?.id ?? null, undone }, 'previous revision restored');
    this.hub.publish('rollback', { revision: rev.id, kind, author: actor, restoredFrom: target?.id ?? null, undone });
    void this.checkDrift();
  }

  /**
   * Run once at start: finish what a crash interrupted. A revision still
   * `applying` was never acknowledged, so the kernel goes back to the active
   * revision; a provisional apply past its deadline is rolled back now, one
   * still inside it gets its timer back.
   */
  async recover(): Promise<void> {
    const interrupted = this.store.revisionsWithStatus('applying');
    if (interrupted.length > 0) {
      this.store.tx(() => {
        for (const r of interrupted) {
          this.store.updateRevision(r.id, { status: 'failed' });
          this.store.audit('system (restart)', 'apply.interrupted', `revision:${r.id}`, {});
        }
      });
    }
    const p = this.store.getPending();
    if (p && p.deadline <= Date.now()) {
      await this.exclusive(() =>
        this.restore(
          p.previousRevisionId,
          'auto-rollback',
          'system (confirmation timed out during restart)',
          p.revisionId,
        ),
      );
      return;
    }
    if (interrupted.length > 0) {
      const active = this.activeRevision();
      const lastTried = this.revisionModel(interrupted[interrupted.length - 1] as RevisionRecord);
      const script = active ? this.scriptOf(active) : lastTried ? removalScript(lastTried.table) : '';
      if (script) await applyRuleset(script, { runner: this.runner });
      this.log.warn(
        { activeRevision: active?.id ?? null },
        'an apply was interrupted; the state before it was restored',
      );
    }
    this.armConfirmTimer();
  }

  // --- drift -------------------------------------------------------------------------

  startDriftWatch(): void {
    if (this.driftTimer || this.driftIntervalMs <= 0) return;
    const tick = () => {
      void this.checkDrift().finally(() => {
        if (!this.closed) this.driftTimer = setTimeout(tick, this.driftIntervalMs);
      });
    };
    this.driftTimer = setTimeout(tick, this.driftIntervalMs);
  }

  /** Compares the live table with the active revision's baseline; publishes a `drift` event when that changes. */
  checkDrift(options: { hurry?: boolean } = {}): Promise<DriftState> {
    this.driftRunning ??= (async () => {
      const previous = this.drift;
      let next: DriftState;
      try {
        if (options.hurry !== false) this.hurryBaseline();
        await this.baselineCapture;
        const active = this.activeRevision();
        const model = this.revisionModel(active);
        if (!active || !model) {
          next = { state: 'never-applied', checkedAt: new Date().toISOString(), diff: '', added: [], removed: [] };
        } else if (this.busy || active.baseline === null) {
          return previous;
        } else {
          const terse = model.forwards.length > TERSE_DRIFT_ABOVE;
          const report = compareListings(
            active.baseline,
            await readTable(model.table, { runner: this.runner }, { terse }),
          );
          next = {
            state: report.missing ? 'missing' : report.drifted ? 'drifted' : 'in-sync',
            checkedAt: new Date().toISOString(),
            diff: report.diff,
            added: report.added,
            removed: report.removed,
          };
        }
      } catch (err) {
        this.log.warn({ err }, 'drift check failed');
        next = { ...previous, state: 'unknown', checkedAt: new Date().toISOString() };
      }
      this.drift = next;
      if (next.state !== previous.state || next.diff !== previous.diff) {
        this.hub.publish('drift', {
          state: next.state,
          diff: next.diff,
          added: next.added,
          removed: next.removed,
          at: next.checkedAt,
        });
      }
      return next;
    })().finally(() => {
      this.driftRunning = null;
    });
    return this.driftRunning;
  }

  // --- status helpers ----------------------------------------------------------------

  async interfaces(): Promise<Array<{ name: string; state: string; mac: string | null; addresses: string[] }>> {
    const r = await this.runner.run('ip', ['-j', 'addr', 'show'], { reject: false });
    if (r.exitCode !== 0) return [];
    const list = JSON.parse(r.stdout || '[]') as Array<{
      ifname: string;
      operstate?: string;
      address?: string;
      addr_info?: Array<{ local: string; prefixlen: number }>;
    }>;
    return list.map((i) => ({
      name: i.ifname,
      state: i.operstate ?? 'UNKNOWN',
      mac: i.address ?? null,
      addresses: (i.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`),
    }));
  }

  /** Packet/byte counters of each forward's map elements, summed per forward. */
  async counters(): Promise<Array<{ forwardId: string; packets: number; bytes: number }>> {
    const active = this.revisionModel(this.activeRevision());
    if (!active) return [];
    let json: unknown;
    try {
      json = await readTableJson(active.table, { runner: this.runner });
    } catch {
      return [];
    }
    const sums = new Map<string, { packets: number; bytes: number }>();
    for (const f of active.forwards) sums.set(f.id, { packets: 0, bytes: 0 });
    const objects = (json as { nftables?: Array<Record<string, unknown>> }).nftables ?? [];
    for (const o of objects) {
      const map = o.map as { elem?: unknown[] } | undefined;
      for (const el of map?.elem ?? []) {
        const inner = (Array.isArray(el) ? el[0] : el) as {
          elem?: { comment?: string; counter?: { packets: number; bytes: number } };
        };
        const c = inner?.elem;
        const m = c?.comment ? /^forward (\S+)/.exec(c.comment) : null;
        if (!m || !c?.counter) continue;
        const s = sums.get(m[1] as string) ?? { packets: 0, bytes: 0 };
        s.packets += c.counter.packets;
        s.bytes += c.counter.bytes;
        sums.set(m[1] as string, s);
      }
    }
    return [...sums].map(([forwardId, s]) => ({ forwardId, ...s }));
  }

  async helperObjectLive(): Promise<boolean> {
    const active = this.revisionModel(this.activeRevision());
    if (!active) return false;
    const r = await this.runner.run('nft', ['list', 'ct', 'helpers', 'table', 'ip', active.table], { reject: false });
    return r.exitCode === 0 && /ct helper/.test(r.stdout);
  }

  natFtpState(): Promise<ModuleState | null> {
    return probeModule(NAT_FTP_MODULE).catch(() => null);
  }

  /**
   * The `applying` row written just before nft runs (so a crash mid-apply is
   * undone at start); texts and baseline come later. Not flushed to disk:
   * see Store.insertRevision.
   */
  private insertApplying(
    r: Pick<RevisionRecord, 'parentId' | 'author' | 'kind' | 'comment' | 'restoredFrom' | 'delta'>,
  ): RevisionRecord {
    return this.store.insertRevision(
      { ...r, status: 'applying', model: '', script: '', diff: '', baseline: null },
      { flush: false },
    );
  }

  private persistsFiles(): boolean {
    const dirs = this.persistence;
    return Boolean(dirs && (dirs.nftIncludeDir || dirs.modulesLoadDir));
  }

  /**
   * Boot-time files, written only where the operator configured a directory.
   * `model` must be one nothing changes (an apply's copy, a revision model),
   * not the desired model: its forwards change in place.
   */
  private async persist(model: GatewayModel | null, natFtp: ModuleState | null): Promise<void> {
    const dirs = this.persistence;
    if (!model || !dirs || !this.persistsFiles()) return;
    const files = renderPersistence(model, {
      ...(dirs.nftIncludeDir ? { nftIncludeDir: dirs.nftIncludeDir } : {}),
      ...(dirs.modulesLoadDir ? { modulesLoadDir: dirs.modulesLoadDir } : {}),
      natFtp: natFtp ?? (await this.natFtpState()),
    });
    for (const f of files) {
      const isNft = f.path.endsWith('.nft');
      if ((isNft && !dirs.nftIncludeDir) || (!isNft && !dirs.modulesLoadDir)) continue;
      try {
        await mkdir(dirname(f.path), { recursive: true });
        const tmp = `${f.path}.tmp-${process.pid}`;
        await writeFile(tmp, f.content, { mode: f.mode });
        await rename(tmp, f.path);
      } catch (err) {
        this.log.error({ err, path: f.path }, 'could not write a persistence file');
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    if (this.driftTimer) clearTimeout(this.driftTimer);
    await this.driftRunning?.catch(() => undefined);
  }
}

export { NftError };
