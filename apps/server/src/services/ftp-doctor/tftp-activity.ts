/**
 * What the doctor remembers of TFTP traffic, from the conntrack events (the
 * same watch as FtpActivity): per server and port, the requests that came
 * through a forward (DNATed UDP to a TFTP port) and whether they carried
 * helper=tftp, the expectations the helper created for them (they last until
 * the server's answer arrives, a few milliseconds), and the answers linked to
 * their request. Counters and a few examples, all bounded.
 */
import type { EventType, Expectation, Tuple } from '../../conntrack/parse.js';
import type { ObservedFlow, Seen } from './activity.js';

const EXAMPLES = 5;
/** Requests remembered by flow id and tuple (for their expectations and answers). */
const REQUESTS = 1024;
const LINKED_IDS = 4096;

export interface TftpServerActivity {
  flows: number;
  withHelper: number;
  lastFlowAt: number | null;
  lastHadHelper: boolean | null;
  withoutHelper: Seen[];
  expectations: number;
  lastExpectationAt: number | null;
  dataLinked: number;
  lastDataAt: number | null;
}

const empty = (): TftpServerActivity => ({
  flows: 0,
  withHelper: 0,
  lastFlowAt: null,
  lastHadHelper: null,
  withoutHelper: [],
  expectations: 0,
  lastExpectationAt: null,
  dataLinked: 0,
  lastDataAt: null,
});

const tupleKey = (t: Tuple) => `${t.src}:${t.sport}>${t.dst}:${t.dport}`;
const trim = <K, V>(m: Map<K, V>, max: number) => {
  while (m.size > max) m.delete(m.keys().next().value as K);
};

export class TftpActivity {
  readonly since: number;
  private readonly servers = new Map<string, TftpServerActivity>();
  /** Request flow id -> `server:port`; request tuple -> `server:port`. */
  private readonly byId = new Map<string, string>();
  private readonly byTuple = new Map<string, string>();
  private readonly linked = new Set<string>();
  /**
   * Expectations whose request has not been seen yet, by the request's tuple:
   * the helper creates the expectation as the request is confirmed, and the
   * flow and expectation events come on two streams, so either may be first.
   */
  private readonly early = new Map<string, number>();

  /** `isTftp(server, port)`: whether a DNATed UDP flow to server:port is a TFTP request the doctor looks after. */
  constructor(
    private readonly isTftp: (server: string, port: number) => boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.since = now();
  }

  activity(server: string, port: number): TftpServerActivity {
    return this.servers.get(`${server}:${port}`) ?? empty();
  }

  private serverOf(key: string): TftpServerActivity {
    let a = this.servers.get(key);
    if (!a) {
      a = empty();
      this.servers.set(key, a);
    }
    return a;
  }

  flow(type: EventType, f: ObservedFlow): void {
    if (f.protonum !== 17 || type === 'destroy') return;
    const at = this.now();
    if (f.masterId) this.answer(f, at);
    const { original: o, reply: r } = f;
    if (type !== 'new' || r.src === o.dst || r.sport === null || !this.isTftp(r.src, r.sport)) return;
    const key = `${r.src}:${r.sport}`;
    const a = this.serverOf(key);
    a.flows++;
    a.lastFlowAt = at;
    a.lastHadHelper = f.helper !== null;
    if (f.helper) a.withHelper++;
    else {
      a.withoutHelper.push({ at, client: o.src });
      if (a.withoutHelper.length > EXAMPLES) a.withoutHelper.shift();
    }
    this.byId.set(f.id, key);
    this.byTuple.set(tupleKey(o), key);
    const early = this.early.get(tupleKey(o));
    if (early !== undefined) {
      this.early.delete(tupleKey(o));
      a.expectations++;
      a.lastExpectationAt = early;
    }
    trim(this.byId, REQUESTS);
    trim(this.byTuple, REQUESTS);
  }

  /** The server's answer from its new port, related to its request by the helper's expectation. */
  private answer(f: ObservedFlow, at: number): void {
    const key = this.byId.get(f.masterId as string);
    if (!key || this.linked.has(f.id)) return;
    this.linked.add(f.id);
    if (this.linked.size > LINKED_IDS) this.linked.delete(this.linked.values().next().value as string);
    const a = this.serverOf(key);
    a.dataLinked++;
    a.lastDataAt = at;
  }

  expectation(type: EventType, x: Expectation): void {
    if (type !== 'new' || x.protonum !== 17) return;
    const key = this.byTuple.get(tupleKey(x.master));
    if (!key) {
      this.early.set(tupleKey(x.master), this.now());
      trim(this.early, REQUESTS);
      return;
    }
    const a = this.serverOf(key);
    a.expectations++;
    a.lastExpectationAt = this.now();
  }
}
