/**
 * The ruleset as `nft -j list ruleset` prints it, indexed by table. Reading is
 * bounded: a hostile or huge listing is cut at fixed limits (objects, rules
 * per chain, elements per set) and the cut is reported, so the importer's
 * work never grows without bound.
 */

export type Json = Record<string, unknown>;

export const IMPORT_LIMITS = {
  /** Objects in the listing (tables, chains, rules, sets, maps, helpers). */
  objects: 50_000,
  /** Elements read from one set or map. */
  elements: 10_000,
  /** Chains on one path of jumps and gotos (the kernel allows 16; a loop is cut here). */
  depth: 16,
  /** Rules the walker emits from one base chain, jumps expanded. */
  walked: 10_000,
} as const;

export interface TableRef {
  family: string;
  name: string;
}

export interface ChainInfo {
  family: string;
  table: string;
  name: string;
  type?: string;
  hook?: string;
  prio?: number;
  policy?: string;
}

export interface RuleInfo {
  family: string;
  table: string;
  chain: string;
  handle: number;
  expr: Json[];
  comment?: string;
}

export interface SetInfo {
  family: string;
  table: string;
  name: string;
  /** For a map: the value type (e.g. "ipv4_addr . inet_service"). */
  map?: string;
  elem: unknown[];
}

export interface HelperObject {
  family: string;
  table: string;
  name: string;
  type: string;
  protocol?: string;
}

export interface Ruleset {
  tables: TableRef[];
  chains: Map<string, ChainInfo>;
  rules: Map<string, RuleInfo[]>;
  sets: Map<string, SetInfo>;
  helpers: Map<string, HelperObject>;
  /** Why the listing was not read whole, if it was cut. */
  truncated: string[];
}

export const tableKey = (family: string, table: string) => `${family} ${table}`;
export const chainKey = (family: string, table: string, name: string) => `${family} ${table} ${name}`;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Reads the listing. Anything that is not the listing's shape is skipped, never thrown on. */
export function readRuleset(listing: unknown): Ruleset {
  const rs: Ruleset = {
    tables: [],
    chains: new Map(),
    rules: new Map(),
    sets: new Map(),
    helpers: new Map(),
    truncated: [],
  };
  const items = (listing as Json | null)?.nftables;
  if (!Array.isArray(items)) return rs;
  if (items.length > IMPORT_LIMITS.objects) {
    rs.truncated.push(`the listing holds ${items.length} objects; only the first ${IMPORT_LIMITS.objects} were read`);
  }
  const count = Math.min(items.length, IMPORT_LIMITS.objects);
  for (let i = 0; i < count; i++) {
    const item = items[i] as Json | null;
    if (!item || typeof item !== 'object') continue;
    if (item.table) {
      const t = item.table as Json;
      const family = str(t.family);
      const name = str(t.name);
      if (family && name) rs.tables.push({ family, name });
    } else if (item.chain) {
      const c = item.chain as Json;
      const family = str(c.family);
      const table = str(c.table);
      const name = str(c.name);
      if (!family || !table || !name) continue;
      rs.chains.set(chainKey(family, table, name), {
        family,
        table,
        name,
        ...(str(c.type) ? { type: str(c.type) } : {}),
        ...(str(c.hook) ? { hook: str(c.hook) } : {}),
        ...(typeof c.prio === 'number' ? { prio: c.prio } : {}),
        ...(str(c.policy) ? { policy: str(c.policy) } : {}),
      });
    } else if (item.rule) {
      const r = item.rule as Json;
      const family = str(r.family);
      const table = str(r.table);
      const chain = str(r.chain);
      if (!family || !table || !chain || !Array.isArray(r.expr)) continue;
      const key = chainKey(family, table, chain);
      const list = rs.rules.get(key) ?? [];
      list.push({
        family,
        table,
        chain,
        handle: typeof r.handle === 'number' ? r.handle : 0,
        expr: (r.expr as unknown[]).filter((e): e is Json => !!e && typeof e === 'object'),
        ...(str(r.comment) ? { comment: str(r.comment) } : {}),
      });
      rs.rules.set(key, list);
    } else if (item.set || item.map) {
      const s = (item.set ?? item.map) as Json;
      const family = str(s.family);
      const table = str(s.table);
      const name = str(s.name);
      if (!family || !table || !name) continue;
      const elem = Array.isArray(s.elem) ? (s.elem as unknown[]) : [];
      if (elem.length > IMPORT_LIMITS.elements) {
        rs.truncated.push(
          `${family} ${table} @${name} holds ${elem.length} elements; only the first ${IMPORT_LIMITS.elements} were read`,
        );
      }
      rs.sets.set(chainKey(family, table, name), {
        family,
        table,
        name,
        ...(item.map && str(s.map) ? { map: str(s.map) } : {}),
        elem: elem.slice(0, IMPORT_LIMITS.elements),
      });
    } else if (item['ct helper']) {
      const h = item['ct helper'] as Json;
      const family = str(h.family);
      const table = str(h.table);
      const name = str(h.name);
      if (!family || !table || !name) continue;
      rs.helpers.set(chainKey(family, table, name), {
        family,
        table,
        name,
        type: str(h.type) ?? '',
        ...(str(h.protocol) ? { protocol: str(h.protocol) } : {}),
      });
    }
  }
  return rs;
}

/** A copy holding only the given tables. */
export function onlyTables(rs: Ruleset, keep: (t: TableRef) => boolean): Ruleset {
  const keys = new Set(rs.tables.filter(keep).map((t) => tableKey(t.family, t.name)));
  const inKept = (o: { family: string; table: string }) => keys.has(tableKey(o.family, o.table));
  const filter = <T extends { family: string; table: string }>(m: Map<string, T>) =>
    new Map([...m].filter(([, v]) => inKept(v)));
  return {
    tables: rs.tables.filter((t) => keys.has(tableKey(t.family, t.name))),
    chains: filter(rs.chains),
    rules: new Map([...rs.rules].filter(([, v]) => v[0] !== undefined && inKept(v[0]))),
    sets: filter(rs.sets),
    helpers: filter(rs.helpers),
    truncated: rs.truncated,
  };
}
