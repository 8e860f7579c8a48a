/**
 * Editing the desired model: whole (PUT /config, import, FTP policy) or one
 * forward at a time. Nothing here touches the kernel (that is apply.ts).
 *
 * At 100,000 forwards validating the whole model takes ~1 s and compiling it
 * ~0.3 s, so the validated model, its script and its JSON are cached per
 * version, and a one-forward change is checked against an index of the
 * public ports in use (ForwardPortIndex, same rules and messages as the
 * model), finds the forward through an index of positions
 * (ForwardPositions), and is stored as one row.
 */
import {
  compile,
  type FieldProblem,
  ForwardPortIndex,
  feedsFtpHelper,
  type GatewayModel,
  type PortForward,
  validateModel,
} from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { Store } from '../../store/store.js';
import { forwardsBefore } from '../desired-revert.js';
import { restoreSecrets } from '../ha/secrets.js';
import { ForwardPositions } from './forward-positions.js';

export const DEFAULT_MODEL = { interfaces: { wan: 'eth0', lan: ['eth1'] } };

export interface Desired {
  model: GatewayModel;
  version: number;
}

export type ForwardOp =
  | { kind: 'create'; forward: unknown; id: string }
  | { kind: 'update'; forward: unknown; id: string }
  | { kind: 'delete'; id: string };

export interface ForwardChangeResult {
  /** The desired model after the change. Live: the next change edits its forwards in place (see changeForward). */
  model: GatewayModel;
  version: number;
  forward: PortForward | undefined;
  change: { id: string; before: PortForward | undefined; after: PortForward | undefined };
  /** The model before the change but its forwards (`change` says how they differed), and its version. */
  previous: { settings: Omit<GatewayModel, 'forwards'>; version: number };
  /** Where the forward is (was, for a delete) in the list. */
  position: number;
}

interface Cached extends Desired {
  script?: string;
  index?: ForwardPortIndex;
  positions?: ForwardPositions;
}

/**
 * The JSON of a desired model, made after its save (like its script) so
 * that an apply does not stringify it while nft runs (~13 ms of the main
 * thread at 10,000 forwards, 1.5 MB). Keyed by the model object, and
 * dropped when changeForward changes that object's forwards in place.
 */
const jsonOfModel = new WeakMap<GatewayModel, string>();

/**
 * The model's JSON as JSON.stringify(model) gives it, when it was made
 * ahead for the desired model (the same text: a copy with the same forwards
 * in the same order stringifies alike); undefined otherwise. Take it at the
 * moment the model is read: a later forward change may change it.
 */
export function preparedJson(model: GatewayModel): string | undefined {
  return jsonOfModel.get(model);
}

export type PathMapper = (modelPath: string) => string;

const bodyPath: PathMapper = (p) => (p ? `body.${p}` : 'body');

export class DesiredState {
  private cache: Cached | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    initialModel: unknown,
  ) {
    if (!store.desired.exists()) {
      const parsed = validateModel(initialModel ?? DEFAULT_MODEL);
      if (!parsed.ok) {
        throw new Error(
          `the initial gateway model is invalid: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        );
      }
      store.desired.put(parsed.model, undefined);
    }
  }

  current(): Desired {
    const version = this.store.desired.version();
    if (this.cache?.version === version) return this.cache;
    const d = this.store.desired.get();
    if (!d) throw new Error('no desired state');
    const parsed = validateModel(d.model);
    // Stored models were validated on the way in; a failure here means a model upgrade broke one.
    if (!parsed.ok) throw new HttpError(500, 'stored_model_invalid', 'the stored gateway model no longer validates');
    this.cache = { model: parsed.model, version: d.version };
    return this.cache;
  }

  /** A model's script, compiled once for the desired model of a version. */
  scriptOf(model: GatewayModel): string {
    const c = this.cache;
    if (c && c.model === model) {
      c.script ??= compile(model);
      return c.script;
    }
    return compile(model);
  }

  /** Validates and stores a new desired model; `ifVersion` is the ETag the client last saw. */
  put(
    input: unknown,
    ifVersion: number | undefined,
    actor: string,
    action: string,
    target: string,
    mapPath: PathMapper = bodyPath,
  ): Desired {
    // A secret sent back masked (as every route shows it) keeps the stored one.
    const restored = restoreSecrets(input, () => this.current().model);
    if (restored.problems.length > 0) throw invalid(restored.problems, mapPath);
    const parsed = validateModel(restored.input);
    if (!parsed.ok) throw invalid(parsed.problems, mapPath);
    const version = this.store.tx(() => {
      const v = this.store.desired.put(parsed.model, ifVersion);
      if (v !== null) this.store.audit.record(actor, action, target, { version: v });
      return v;
    });
    if (version === null) throw this.stale();
    const cache: Cached = { model: parsed.model, version };
    this.cache = cache;
    // Compile the new model after the response (~0.3 s at 100,000 forwards),
    // then stringify it (~0.15 s), one task each, so an apply finds both ready.
    setImmediate(() => {
      if (this.cache !== cache || this.closed) return;
      this.scriptOf(cache.model);
      setImmediate(() => {
        if (this.cache === cache && !this.closed) jsonOfModel.set(cache.model, JSON.stringify(cache.model));
      });
    });
    return cache;
  }

  /** Changes the desired model through a function on a copy of it, checked against the version. */
  update(
    change: (model: GatewayModel) => unknown,
    ifVersion: number | undefined,
    actor: string,
    action: string,
    target: string,
    mapPath?: PathMapper,
  ): Desired {
    const current = this.current();
    if (ifVersion !== undefined && ifVersion !== current.version) throw this.stale();
    const next = change(structuredClone(current.model) as GatewayModel);
    return this.put(next, current.version, actor, action, target, mapPath);
  }

  /**
   * Creates, replaces or deletes one forward. The change is checked against
   * the port index (not the whole model) and stored as one row; when the
   * index cannot decide (FTP helper coverage), the whole model is validated.
   * Problem paths are model paths mapped through `mapPath(path, position)`.
   */
  changeForward(
    op: ForwardOp,
    ifVersion: number | undefined,
    actor: string,
    mapPath: (modelPath: string, position: number) => string,
  ): ForwardChangeResult {
    const current = this.current();
    if (ifVersion !== undefined && ifVersion !== current.version) throw this.stale();
    const cache = this.cache as Cached;
    cache.index ??= new ForwardPortIndex(current.model.forwards);
    cache.positions ??= new ForwardPositions(current.model.forwards);
    const { index, positions } = cache;
    const model = current.model;
    const { id } = op;
    let position: number;
    if (op.kind === 'create') {
      if (index.has(id) || model.gatewayForwards.some((g) => g.id === id)) {
        throw new HttpError(409, 'exists', `id "${id}" is already used`, { params: { id } });
      }
      position = model.forwards.length;
    } else {
      position = index.has(id) ? positions.indexOf(id) : -1;
      if (position < 0) throw new HttpError(404, 'not_found', `forward ${id} not found`);
    }
    const before = op.kind === 'create' ? undefined : (model.forwards[position] as PortForward);
    let after: PortForward | undefined;
    let full = false;
    if (op.kind === 'delete') {
      full = feedsFtpHelper(model, before as PortForward);
    } else {
      const check = index.check(model, op.forward, position);
      if (check.kind === 'invalid') throw invalid(check.problems, (p) => mapPath(p, position));
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
    const { forwards: _, ...settings } = model;
    const previous = { settings, version: current.version };
    if (full) {
      const forwards = model.forwards.slice();
      change(forwards);
      const d = this.put({ ...model, forwards }, current.version, actor, action, `forward:${id}`, (p) =>
        mapPath(p, position),
      );
      const stored = d.model.forwards.find((f) => f.id === id);
      return { ...d, forward: stored, change: { id, before, after: stored }, previous, position };
    }
    const version = this.store.tx(() => {
      const v = after
        ? this.store.desired.putForward(after, current.version)
        : this.store.desired.deleteForward(id, current.version);
      if (v !== null) this.store.audit.record(actor, action, `forward:${id}`, { version: v });
      return v;
    });
    if (version === null) throw this.stale();
    index.remove(id);
    if (after) index.add(after);
    // In place: a copy of 100,000 forwards per change was a large young
    // array the GC then scanned (scavenges of 10-35 ms in a series of
    // changes). What must keep a past state copies it: an apply takes its
    // own copy, revision models are copies or rebuilt from deltas, and
    // `previous` holds no forwards.
    jsonOfModel.delete(model);
    change(model.forwards);
    if (op.kind === 'delete') positions.removedAt(id, position);
    else if (op.kind === 'create') positions.appended(id);
    const next: GatewayModel = { ...model };
    this.cache = { model: next, version, index, positions };
    return { model: next, version, forward: after, change: { id, before, after }, previous, position };
  }

  /**
   * Puts `model` back after the change that made `failedVersion` could not
   * be applied (see desired-revert.ts), as a new version: a client that
   * read the failed version must not find its ETag matching other content.
   * Only when nobody changed it since; returns the new version, or null.
   */
  revert(model: GatewayModel, failedVersion: number, actor: string, reason: string): number | null {
    const version = this.store.tx(() => {
      const v = this.store.desired.put(model, failedVersion);
      if (v !== null) this.store.audit.record(actor, 'config.revert', 'config', { version: v, failedVersion, reason });
      return v;
    });
    if (version !== null) this.cache = { model, version };
    return version;
  }

  /** revert() for a change made by changeForward(). */
  revertForwardChange(c: ForwardChangeResult, actor: string, reason: string): number | null {
    const current = this.current();
    if (current.version !== c.version) return null;
    const forwards = forwardsBefore(current.model.forwards, c.change, c.position);
    return this.revert({ ...c.previous.settings, forwards }, c.version, actor, reason);
  }

  /**
   * Makes `model` (a rollback's) the desired model, as the kernel now holds
   * it. The desired model keeps a copy of the forwards: changeForward changes
   * them in place, and `model` is the revision's own (Revisions.remember).
   */
  adopt(model: GatewayModel): number | null {
    const version = this.store.desired.put(model, undefined);
    if (version !== null) this.cache = { model: { ...model, forwards: model.forwards.slice() }, version };
    return version;
  }

  stale(): HttpError {
    return new HttpError(
      412,
      'precondition_failed',
      'the configuration was changed by someone else; reload it and try again',
      { extra: { currentVersion: this.store.desired.version() } },
    );
  }

  close(): void {
    this.closed = true;
  }
}

function invalid(problems: FieldProblem[], mapPath: PathMapper): HttpError {
  return new HttpError(400, 'validation', 'the gateway model would be invalid', {
    problems: problems.map((p) => ({ ...p, path: mapPath(p.path) })),
  });
}
