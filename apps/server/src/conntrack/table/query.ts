/**
 * Queries over the flow index: a filter resolved once against the columns,
 * a count, and a sorted page of `limit` flows after a cursor in one pass
 * (a bounded top-k selection, not a sort of the whole table).
 */
import { ipv4ToInt, protocolName, type Tuple } from '../parse.js';
import {
  type FlowColumns,
  HAS_COUNTERS,
  HAS_EXPIRES,
  HAS_MASTER,
  HAS_START,
  type Interned,
  LIVE,
  ODD,
} from './columns.js';
import type { FlowEntry } from './entries.js';
import type { FlowIds } from './id-index.js';

export const FLOW_SORT_FIELDS = [
  'id',
  'protocol',
  'src',
  'dst',
  'sport',
  'dport',
  'state',
  'timeout',
  'mark',
  'helper',
  'packets',
  'bytes',
  'age',
] as const;
export type FlowSortField = (typeof FLOW_SORT_FIELDS)[number];

export interface FlowFilter {
  protocol?: string;
  /** Any address of either tuple. */
  address?: string;
  /** Any port of either tuple. */
  port?: number;
  state?: string;
  /** A helper name, or 'none'. */
  helper?: string;
  mark?: number;
}

export interface FlowQuery extends FlowFilter {
  sort: FlowSortField;
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
}

export interface FlowPage {
  items: FlowEntry[];
  total: number;
  nextCursor: string | null;
}

type SortValue = number | string;

export function encodeCursor(value: SortValue, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

export function decodeCursor(cursor: string): [SortValue, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      (typeof v[0] === 'number' || typeof v[0] === 'string') &&
      typeof v[1] === 'string'
    ) {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  return null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor is not one this server handed out');
    this.name = 'InvalidCursorError';
  }
}

/** What a query reads of the index (ConntrackTable hands it over). */
export interface IndexedFlows {
  readonly c: FlowColumns;
  readonly ids: FlowIds;
  readonly states: Interned;
  readonly helpers: Interned;
  /** The entry a slot holds, as a new object. */
  entryAt(s: number): FlowEntry;
}

/** A filter as a test on a slot, with its values resolved once against the columns. */
function matcher(ix: IndexedFlows, q: FlowFilter): ((s: number) => boolean) | null {
  const c = ix.c;
  const tests: Array<(s: number) => boolean> = [];
  /** Address and port: what a data flow may match through its control flow. */
  const conversation: Array<(s: number) => boolean> = [];
  if (q.protocol !== undefined) {
    const p = q.protocol;
    tests.push((s) => {
      const n = c.proto[s] as number;
      return protocolName(n) === p || String(n) === p;
    });
  }
  if (q.state !== undefined) {
    const want = q.state.toUpperCase();
    const ok = ix.states.names.map((n) => (n ?? '').toUpperCase() === want);
    tests.push((s) => ok[c.state[s] as number] === true);
  }
  if (q.helper !== undefined) {
    const code = q.helper === 'none' ? 0 : (ix.helpers.find(q.helper) ?? -1);
    tests.push((s) => c.helper[s] === code);
  }
  if (q.mark !== undefined) {
    const m = q.mark;
    tests.push((s) => c.mark[s] === m);
  }
  if (q.address !== undefined) {
    const a = q.address;
    const n = ipv4ToInt(a);
    conversation.push((s) => {
      if ((c.flags[s] as number) & ODD) {
        const t = c.odd.get(s) as { original: Tuple; reply: Tuple };
        return t.original.src === a || t.original.dst === a || t.reply.src === a || t.reply.dst === a;
      }
      const i = s * 4;
      return n !== null && (c.addr[i] === n || c.addr[i + 1] === n || c.addr[i + 2] === n || c.addr[i + 3] === n);
    });
  }
  if (q.port !== undefined) {
    const p = q.port;
    conversation.push((s) => {
      if ((c.flags[s] as number) & ODD) {
        const t = c.odd.get(s) as { original: Tuple; reply: Tuple };
        return t.original.sport === p || t.original.dport === p || t.reply.sport === p || t.reply.dport === p;
      }
      const i = s * 4;
      return c.port[i] === p || c.port[i + 1] === p || c.port[i + 2] === p || c.port[i + 3] === p;
    });
  }
  const all = (list: Array<(s: number) => boolean>): ((s: number) => boolean) | null =>
    list.length === 0 ? null : list.length === 1 ? (list[0] as (s: number) => boolean) : (s) => list.every((t) => t(s));
  const own = all(tests);
  const conv = all(conversation);
  if (!conv) return own;
  // An address or a port names a conversation: an FTP data flow (other ports,
  // maybe other addresses) is kept with the control flow it belongs to when
  // the control flow has them; the flow's own protocol, state, helper and
  // mark must still match.
  const inConversation = (s: number) => {
    if (conv(s)) return true;
    if (!((c.flags[s] as number) & HAS_MASTER)) return false;
    const m = ix.ids.slotById.get(c.master[s] as number);
    return m !== undefined && ((c.flags[m] as number) & LIVE) !== 0 && conv(m);
  };
  return own ? (s) => own(s) && inConversation(s) : inConversation;
}

export function countFlows(ix: IndexedFlows, filter: FlowFilter = {}): number {
  const m = matcher(ix, filter);
  if (!m) return ix.c.live;
  const c = ix.c;
  let n = 0;
  for (let s = 0; s < c.high; s++) if ((c.flags[s] as number) & LIVE && m(s)) n++;
  return n;
}

/**
 * The sort key of a slot, always a number: names (state, helper) sort by
 * their rank among the names the table holds. `cursorValue` turns a key
 * back into what a cursor carries (the name itself, so a cursor stays
 * valid when new names arrive).
 */
function sortKey(
  ix: IndexedFlows,
  field: FlowSortField,
): {
  key: (s: number) => number;
  cursorValue: (s: number) => SortValue;
  fromCursor: (v: SortValue) => number;
} {
  const c = ix.c;
  const num = (v: SortValue) => (typeof v === 'number' ? v : Number.NaN);
  const simple = (key: (s: number) => number) => ({ key, cursorValue: key, fromCursor: num });
  const oddTuple = (s: number) => (c.odd.get(s) as { original: Tuple }).original;
  const address = (i: 0 | 1) =>
    simple((s) => {
      if (!((c.flags[s] as number) & ODD)) return c.addr[s * 4 + i] as number;
      const o = oddTuple(s);
      return ipv4ToInt(i === 0 ? o.src : o.dst) ?? 2 ** 32;
    });
  const port = (i: 0 | 1) =>
    simple((s) => {
      if (!((c.flags[s] as number) & ODD)) return c.port[s * 4 + i] as number;
      const o = oddTuple(s);
      return (i === 0 ? o.sport : o.dport) ?? -1;
    });
  const named = (table: Interned, column: Uint16Array) => {
    const ranks = table.ranks();
    return {
      key: (s: number) => ranks[column[s] as number] as number,
      cursorValue: (s: number) => table.name(column[s] as number) ?? '',
      fromCursor: (v: SortValue) => table.rankOf(String(v)),
    };
  };
  switch (field) {
    case 'id':
      return simple((s) => c.id[s] as number);
    case 'protocol':
      return simple((s) => c.proto[s] as number);
    case 'src':
      return address(0);
    case 'dst':
      return address(1);
    case 'sport':
      return port(0);
    case 'dport':
      return port(1);
    case 'state':
      return named(ix.states, c.state);
    case 'timeout':
      return simple((s) => ((c.flags[s] as number) & HAS_EXPIRES ? (c.expires[s] as number) : Number.MAX_SAFE_INTEGER));
    case 'mark':
      return simple((s) => c.mark[s] as number);
    case 'helper':
      return named(ix.helpers, c.helper);
    case 'packets':
      return simple((s) =>
        (c.flags[s] as number) & HAS_COUNTERS ? (c.packets[2 * s] as number) + (c.packets[2 * s + 1] as number) : -1,
      );
    case 'bytes':
      return simple((s) =>
        (c.flags[s] as number) & HAS_COUNTERS ? (c.bytes[2 * s] as number) + (c.bytes[2 * s + 1] as number) : -1,
      );
    case 'age':
      // Youngest first: a later start is a smaller age (the key does not move as time passes).
      return simple((s) => ((c.flags[s] as number) & HAS_START ? -(c.start[s] as number) : Number.MAX_SAFE_INTEGER));
  }
}

/**
 * One page: filter, then keep the `limit` smallest entries after the cursor
 * in a sorted buffer (binary insertion), so the cost is O(n log limit)
 * rather than sorting the whole table. Ties are broken by the flow id.
 */
export function queryFlows(ix: IndexedFlows, q: FlowQuery): FlowPage {
  const c = ix.c;
  const dir = q.order === 'desc' ? -1 : 1;
  const { key, cursorValue, fromCursor } = sortKey(ix, q.sort);
  let afterKey = 0;
  let afterId = 0;
  let hasAfter = false;
  if (q.cursor) {
    const after = decodeCursor(q.cursor);
    const id = after ? ix.ids.number(after[1], false) : undefined;
    afterKey = after ? fromCursor(after[0]) : Number.NaN;
    if (!after || id === undefined || Number.isNaN(afterKey)) throw new InvalidCursorError();
    afterId = id;
    hasAfter = true;
  }
  const before = (k1: number, id1: number, k2: number, id2: number) => dir * (k1 === k2 ? id1 - id2 : k1 - k2) < 0;
  const m = matcher(ix, q);
  const want = q.limit + 1;
  const slots: number[] = [];
  const keys: number[] = [];
  const ids: number[] = [];
  let total = 0;
  for (let s = 0; s < c.high; s++) {
    if (!((c.flags[s] as number) & LIVE) || (m && !m(s))) continue;
    total++;
    const k = key(s);
    const id = c.id[s] as number;
    if (hasAfter && !before(afterKey, afterId, k, id)) continue;
    const n = slots.length;
    if (n === want && !before(k, id, keys[n - 1] as number, ids[n - 1] as number)) continue;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(keys[mid] as number, ids[mid] as number, k, id)) lo = mid + 1;
      else hi = mid;
    }
    slots.splice(lo, 0, s);
    keys.splice(lo, 0, k);
    ids.splice(lo, 0, id);
    if (slots.length > want) {
      slots.pop();
      keys.pop();
      ids.pop();
    }
  }
  const more = slots.length > q.limit;
  const page = slots.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((s) => ix.entryAt(s)),
    total,
    nextCursor:
      more && last !== undefined ? encodeCursor(cursorValue(last), ix.ids.string(c.id[last] as number)) : null,
  };
}
