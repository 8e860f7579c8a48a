/**
 * Expectations and master links. The kernel knows which control flow a data
 * flow belongs to (ct->master) but conntrack-tools never prints it. We
 * recover it two ways: exactly, when a NEW flow matches a live expectation
 * (the expectation names its master tuple), and heuristically for flows
 * found in a dump, when a helper-less flow has the same four addresses
 * (original and reply, so the same hosts through the same NAT) as exactly
 * one flow with a helper.
 */
import { type EventType, type Expectation, type Flow, matchesExpectation, type Tuple, tupleKey } from '../parse.js';
import { type FlowColumns, HAS_MASTER, LINK_EXPECTATION, LINK_HEURISTIC, LIVE, ODD } from './columns.js';
import type { ExpectationEntry, FlowEntry } from './entries.js';
import type { FlowIds } from './id-index.js';

/** New unlinked flows remembered for linking to an expectation read after them. */
const RECENT = 16_384;

export class MasterLinks {
  readonly expectations = new Map<string, ExpectationEntry>();
  /**
   * Original tuple -> id of flows with a helper: only those can be the master
   * of an expectation, so only those are indexed by tuple.
   */
  private readonly byOriginal = new Map<string, number>();
  /**
   * Expectations destroyed in the last few seconds. The expectation's DESTROY
   * and the data flow's NEW come from two event streams with no order between
   * them, so the data flow may arrive after its expectation is gone.
   */
  private recentlyGone: Array<{ at: number; x: ExpectationEntry }> = [];
  /** Flows linked after they arrived, until taken (takeLateLinks). */
  private lateLinks: FlowEntry[] = [];
  /**
   * The last RECENT new flows that had neither master nor helper, as a ring
   * of (time, id) in typed arrays: at 10,000 new flows a second an object per
   * flow kept for ten seconds is what made V8 grow its young generation.
   */
  private readonly recentAt = new Float64Array(RECENT);
  private readonly recentId = new Float64Array(RECENT);
  private recentNext = 0;
  private readonly c: FlowColumns;
  private readonly ids: FlowIds;
  private readonly entryAt: (s: number) => FlowEntry;
  private readonly now: () => number;

  constructor(c: FlowColumns, ids: FlowIds, entryAt: (s: number) => FlowEntry, now: () => number) {
    this.c = c;
    this.ids = ids;
    this.entryAt = entryAt;
    this.now = now;
  }

  /** A flow written with a helper (or that lost its helper): index it (or not) as a possible master. */
  indexHelperFlow(flow: Flow, n: number): void {
    const key = tupleKey(flow.protonum, flow.original);
    if (flow.helper) this.byOriginal.set(key, n);
    else if (this.byOriginal.get(key) === n) this.byOriginal.delete(key);
  }

  /** A flow with a helper is going: it is no longer a possible master. */
  forgetHelperFlow(protonum: number, original: Tuple, n: number): void {
    const key = tupleKey(protonum, original);
    if (this.byOriginal.get(key) === n) this.byOriginal.delete(key);
  }

  private setMaster(s: number, masterId: string, by: 'expectation' | 'heuristic'): void {
    const m = this.ids.number(masterId, true) as number;
    this.c.master[s] = m;
    this.c.flags[s] =
      ((this.c.flags[s] as number) & ~(LINK_EXPECTATION | LINK_HEURISTIC)) |
      HAS_MASTER |
      (by === 'expectation' ? LINK_EXPECTATION : LINK_HEURISTIC);
  }

  private masterIdOf(x: Expectation): string | null {
    const n = this.byOriginal.get(tupleKey(x.protonum, x.master));
    return n === undefined ? null : this.ids.string(n);
  }

  /** Relinks every expectation to its master (after the flows were replaced). */
  relinkExpectations(): void {
    for (const x of this.expectations.values()) x.masterId = this.masterIdOf(x);
  }

  replaceExpectations(list: Iterable<Expectation>): void {
    this.expectations.clear();
    for (const x of list) this.putExpectation(x);
  }

  private putExpectation(x: Expectation): ExpectationEntry {
    const e: ExpectationEntry = {
      ...x,
      expiresAt: x.timeout === null ? null : this.now() + x.timeout * 1000,
      masterId: this.masterIdOf(x),
    };
    this.expectations.set(e.id, e);
    return e;
  }

  /**
   * A flow just added by an event: linked to the master named by the
   * expectation it consumes, or remembered for an expectation read after it.
   */
  linkNewFlow(flow: Flow, slot: number): void {
    const c = this.c;
    if (this.expectations.size > 0 || this.recentlyGone.length > 0) {
      // A new data connection: the expectation it consumes names the master.
      const cutoff = this.now() - 10_000;
      if ((this.recentlyGone[0]?.at ?? cutoff) < cutoff)
        this.recentlyGone = this.recentlyGone.filter((r) => r.at >= cutoff);
      const candidates = [...this.expectations.values(), ...this.recentlyGone.map((r) => r.x)];
      for (const x of candidates) {
        const masterId = x.masterId ?? this.masterIdOf(x);
        if (masterId && matchesExpectation(flow, x)) {
          this.setMaster(slot, masterId, 'expectation');
          break;
        }
      }
    }
    if (!((c.flags[slot] as number) & HAS_MASTER) && !flow.helper) this.noteRecent(slot);
  }

  /**
   * Whether linkNewFlow() needs the new flow's tuples (an expectation it may
   * have consumed is known); if not, noteRecent() does its part.
   */
  get wantsFlow(): boolean {
    return this.expectations.size > 0 || this.recentlyGone.length > 0;
  }

  /** A new flow without a helper or master, remembered for an expectation read after it. */
  noteRecent(slot: number): void {
    const i = this.recentNext++ % RECENT;
    this.recentAt[i] = this.now();
    this.recentId[i] = this.c.id[slot] as number;
  }

  /**
   * Flows linked to their master after they arrived: `conntrack -E` and
   * `conntrack -E expect` are two streams, so a quick data connection's NEW
   * can be read before the expectation it consumed. Returned once.
   */
  takeLateLinks(): FlowEntry[] {
    const out = this.lateLinks;
    this.lateLinks = [];
    return out;
  }

  private linkLate(x: ExpectationEntry): void {
    const masterId = x.masterId ?? this.masterIdOf(x);
    if (!masterId) return;
    const cutoff = this.now() - 10_000;
    const c = this.c;
    const dportMask = x.mask.dport ?? 0;
    const dport = (x.expected.dport ?? 0) & dportMask;
    for (let n = Math.max(0, this.recentNext - RECENT); n < this.recentNext; n++) {
      const i = n % RECENT;
      if ((this.recentAt[i] as number) < cutoff) continue;
      const id = this.recentId[i] as number;
      const s = this.ids.slotById.get(id);
      if (s === undefined || c.proto[s] !== x.protonum) continue;
      const f = c.flags[s] as number;
      if (f & HAS_MASTER || this.ids.string(id) === masterId) continue;
      // The data port first, from the columns; the whole tuple only for the few that pass.
      if (!(f & ODD) && ((c.port[s * 4 + 1] as number) & dportMask) !== dport) continue;
      if (matchesExpectation(this.entryAt(s), x)) {
        this.setMaster(s, masterId, 'expectation');
        this.lateLinks.push(this.entryAt(s));
      }
    }
  }

  applyExpectationEvent(type: EventType, x: Expectation): ExpectationEntry {
    const entry = this.applyExpectationEventInner(type, x);
    this.linkLate(entry);
    return entry;
  }

  private applyExpectationEventInner(type: EventType, x: Expectation): ExpectationEntry {
    if (type === 'destroy') {
      const prev = this.expectations.get(x.id);
      this.expectations.delete(x.id);
      const gone = prev ?? { ...x, expiresAt: null, masterId: this.masterIdOf(x) };
      this.recentlyGone.push({ at: this.now(), x: gone });
      if (this.recentlyGone.length > 1000) this.recentlyGone.shift();
      return gone;
    }
    return this.putExpectation(x);
  }

  linkHeuristically(): void {
    const c = this.c;
    const helpersByPair = new Map<string, number[]>();
    // The four addresses of both tuples, not only the original pair: a data
    // flow runs between the same hosts through the same translation as its
    // control flow (a forwarded FTP's data flow is DNATed to the same server),
    // while the gateway's own services share the original pair with a
    // forward's control flow (the panel's own connections, from the same
    // client to the same public address, were taken for its data flows).
    const pair = (s: number) => {
      if ((c.flags[s] as number) & ODD) {
        const t = c.odd.get(s) as { original: Tuple; reply: Tuple };
        return `${t.original.src}|${t.original.dst}|${t.reply.src}|${t.reply.dst}`;
      }
      const a = s * 4;
      return `${c.addr[a]}|${c.addr[a + 1]}|${c.addr[a + 2]}|${c.addr[a + 3]}`;
    };
    for (let s = 0; s < c.high; s++) {
      if (!((c.flags[s] as number) & LIVE) || !c.helper[s]) continue;
      const k = pair(s);
      const list = helpersByPair.get(k);
      if (list) list.push(c.id[s] as number);
      else helpersByPair.set(k, [c.id[s] as number]);
    }
    if (helpersByPair.size === 0) return;
    for (let s = 0; s < c.high; s++) {
      const f = c.flags[s] as number;
      if (!(f & LIVE) || c.helper[s] || f & HAS_MASTER) continue;
      const candidates = helpersByPair.get(pair(s));
      if (candidates?.length === 1) this.setMaster(s, this.ids.string(candidates[0] as number), 'heuristic');
    }
  }
}
