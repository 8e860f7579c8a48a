/**
 * What each revision loaded: its model and script, rebuilt when it was
 * stored as a delta, and its diff to its parent, computed when first asked.
 */
import { type GatewayModel, PortForward, TABLE_FAMILY, validateModel } from '@gatehouse/rules';
import { createTwoFilesPatch } from 'diff';
import type { z } from 'zod';
import type { RevisionSummary, Store } from '../../store/store.js';

/** What a delta revision stores: the forwards it changed, in the order applied (null: deleted). */
export interface RevisionDelta {
  changes: Array<{ id: string; after: PortForward | null }>;
  script: string;
}

/** A script that removes our table (declaring it first so the delete cannot fail). */
export function removalScript(table: string): string {
  return `table ${TABLE_FAMILY} ${table}\ndelete table ${TABLE_FAMILY} ${table}\n`;
}

export function diffScripts(before: string, after: string, fromLabel: string, toLabel: string): string {
  if (before === after) return '';
  return createTwoFilesPatch(fromLabel, toLabel, before, after, '', '', { context: 3 });
}

/**
 * A model with the changes of delta revisions applied in order: one copy of
 * the forwards. A few changes are found by scanning the copy (~0.3 ms at
 * 100,000); an index of every id costs ~20 ms to build there, worth it only
 * for a long chain.
 */
export function applyDeltas(base: GatewayModel, deltas: readonly RevisionDelta[]): GatewayModel {
  if (deltas.length === 0) return base;
  const forwards: Array<PortForward | undefined> = base.forwards.slice();
  let changes = 0;
  for (const d of deltas) changes += d.changes.length;
  const index = changes > 32 ? new Map(forwards.map((f, i) => [(f as PortForward).id, i])) : null;
  const find = (id: string) => (index ? (index.get(id) ?? -1) : forwards.findIndex((f) => f?.id === id));
  let removed = false;
  for (const d of deltas) {
    for (const c of d.changes) {
      const i = find(c.id);
      if (c.after === null) {
        if (i >= 0) {
          forwards[i] = undefined;
          index?.delete(c.id);
          removed = true;
        }
      } else if (i >= 0) forwards[i] = c.after;
      else {
        index?.set(c.id, forwards.length);
        forwards.push(c.after);
      }
    }
  }
  return { ...base, forwards: removed ? forwards.filter((f) => f !== undefined) : (forwards as PortForward[]) };
}

/** Fills in what a schema's defaults would on a value that satisfied it, or an older version of it. */
type Filler = (value: Record<string, unknown>) => Record<string, unknown>;

/** The object schema inside optional/default/nullable wrappers and checks; none when it is not an object. */
function objectShape(schema: z.ZodType): Record<string, z.ZodType> | null {
  let s = schema as unknown as { def: { type: string; innerType?: z.ZodType }; shape?: Record<string, z.ZodType> };
  while (s.def.innerType && ['optional', 'default', 'nullable', 'prefault', 'readonly'].includes(s.def.type)) {
    s = s.def.innerType as unknown as typeof s;
  }
  return s.def.type === 'object' && s.shape ? s.shape : null;
}

/**
 * A filler built from an object schema: each absent key whose schema has a
 * default gets it (a fresh copy each time, as zod gives), and present objects
 * are filled by their own schema's filler. Only defaults: the values were
 * validated before they were stored.
 */
function fillerOf(schema: z.ZodType): Filler | null {
  const shape = objectShape(schema);
  if (!shape) return null;
  const defaults: Array<[string, z.ZodType]> = [];
  const nested: Array<[string, Filler]> = [];
  for (const [key, field] of Object.entries(shape)) {
    const absent = field.safeParse(undefined);
    if (absent.success && absent.data !== undefined) defaults.push([key, field]);
    const inner = fillerOf(field);
    if (inner) nested.push([key, inner]);
  }
  if (defaults.length === 0 && nested.length === 0) return null;
  return (value) => {
    let out = value;
    for (const [key, field] of defaults) {
      if (out[key] === undefined) {
        if (out === value) out = { ...value };
        out[key] = field.parse(undefined);
      }
    }
    for (const [key, fill] of nested) {
      const v = out[key];
      if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
      const filled = fill(v as Record<string, unknown>);
      if (filled !== v) {
        if (out === value) out = { ...value };
        out[key] = filled;
      }
    }
    return out;
  };
}

let forwardFiller: Filler | null | undefined;

/**
 * A model the panel stored itself, read back. It was validated before it was
 * stored, so only the schema's defaults are missing from a model stored
 * before a field was added. Everything but the forwards (a few fields) goes
 * through zod as before; the forwards (100,000: 0.9-1.9 s of zod on a cold
 * start, bench 15.6) only get the defaults of PortForward's fields. Text
 * from outside (an import, PUT /config, a peer's apply) is validated in full
 * where it comes in; this is for the store's own rows.
 */
export function storedModel(raw: unknown): GatewayModel | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return null;
  const { forwards, ...rest } = raw as { forwards?: unknown };
  if (forwards !== undefined && !Array.isArray(forwards)) return null;
  const head = validateModel({ ...rest, forwards: [] });
  if (!head.ok) {
    // Not a model this schema reads without its forwards: the full check says why.
    const full = validateModel(raw);
    return full.ok ? full.model : null;
  }
  forwardFiller ??= fillerOf(PortForward);
  const fill = forwardFiller;
  const list = (forwards ?? []) as Array<Record<string, unknown>>;
  for (const f of list) if (f === null || typeof f !== 'object' || Array.isArray(f)) return null;
  return { ...head.model, forwards: (fill ? list.map(fill) : list) as PortForward[] };
}

export class Revisions {
  /** Models of recent revisions (the active one above all), parsed once. */
  private readonly models = new Map<number, GatewayModel | null>();

  constructor(
    private readonly store: Store,
    /** Compiles a model (the desired state's cache when it is the desired model). */
    private readonly compile: (model: GatewayModel) => string,
  ) {}

  active(): RevisionSummary | null {
    const id = this.store.meta.activeRevisionId();
    return id === null ? null : (this.store.revisions.summary(id) ?? null);
  }

  /**
   * Keeps the most recent revision models: up to four, and no more than
   * 250,000 forwards in all (at least the newest). Each saved model is its
   * own set of forward objects: four of 100,000 forwards were ~200 MB of heap
   * for the GC to mark, on threads that share the two cores with nft.
   * `model` must be one nothing changes (an apply's copy).
   */
  remember(id: number, model: GatewayModel | null): void {
    this.models.delete(id);
    this.models.set(id, model);
    const total = () => {
      let n = 0;
      for (const m of this.models.values()) n += m?.forwards.length ?? 0;
      return n;
    };
    while (this.models.size > 4 || (this.models.size > 1 && total() > 250_000)) {
      this.models.delete(this.models.keys().next().value as number);
    }
  }

  /**
   * A revision's model: parsed once and kept for the recent ones. A delta
   * revision is rebuilt from the nearest revision whose model is known or
   * stored whole, with the deltas in between applied in one pass.
   */
  model(r: RevisionSummary | null): GatewayModel | null {
    if (!r) return null;
    const known = this.models.get(r.id);
    if (known !== undefined) return known;
    const deltas: RevisionDelta[] = [];
    let base: GatewayModel | null = null;
    for (let cur: RevisionSummary | null = r; cur; ) {
      const k = this.models.get(cur.id);
      if (k !== undefined) {
        base = k;
        break;
      }
      if (!cur.delta) {
        const text = this.store.revisions.text(cur.id, 'model');
        if (text) {
          base = storedModel(JSON.parse(text));
        }
        if (cur.id !== r.id) this.remember(cur.id, base);
        break;
      }
      deltas.push(JSON.parse(cur.delta) as RevisionDelta);
      cur = cur.parentId === null ? null : (this.store.revisions.summary(cur.parentId) ?? null);
    }
    const model = base ? applyDeltas(base, deltas.reverse()) : null;
    this.remember(r.id, model);
    return model;
  }

  /** The script a revision loaded (a delta revision: the script its model compiles to). */
  script(r: RevisionSummary | null): string {
    if (!r) return '';
    if (!r.delta) {
      const stored = this.store.revisions.text(r.id, 'script');
      if (stored) return stored;
    }
    // Delta revisions, and large ones stored without their script (apply.ts).
    const m = this.model(r);
    return m ? this.compile(m) : '';
  }

  /** The diff of a revision's script against its parent's, computed when first asked for. */
  diff(r: RevisionSummary): string {
    const stored = this.store.revisions.text(r.id, 'diff');
    if (stored) return stored;
    const parent = r.parentId === null ? null : (this.store.revisions.summary(r.parentId) ?? null);
    const diff = diffScripts(
      this.script(parent),
      this.script(r),
      parent ? `revision ${parent.id}` : 'nothing applied',
      'this revision',
    );
    if (diff) this.store.revisions.update(r.id, { diff });
    return diff;
  }

  /** The script for a model; when the table was renamed since `previous`, the old table goes too. */
  scriptFor(model: GatewayModel, previous: GatewayModel | null): string {
    const script = this.compile(model);
    if (previous && previous.table !== model.table) return removalScript(previous.table) + script;
    return script;
  }
}
