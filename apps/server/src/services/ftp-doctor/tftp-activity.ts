/**
 * What the doctor remembers of TFTP traffic: the counters every helper kind
 * keeps (helper-activity.ts), found TFTP's way. A request is any new DNATed
 * UDP flow to a TFTP port (with or without helper=tftp); its expectation is
 * found by the request's tuple and the server's answer from its new port by
 * the request's flow id (the answer's master). Bounded like the rest.
 */
import type { EventType, Expectation } from '../../conntrack/parse.js';
import { HelperActivity, type ObservedFlow, type ServerActivity, trimOldest, tupleKey } from './helper-activity.js';

/** The record of one TFTP server and port (FTP's shape; activeAttempts stays empty). */
export type TftpServerActivity = ServerActivity;

/** Requests remembered by flow id and tuple (for their expectations and answers). */
const REQUESTS = 1024;

export class TftpActivity extends HelperActivity {
  /** Request flow id -> `server:port`; request tuple -> `server:port`. */
  private readonly byId = new Map<string, string>();
  private readonly byTuple = new Map<string, string>();
  /**
   * Expectations whose request has not been seen yet, by the request's tuple:
   * the helper creates the expectation as the request is confirmed, and the
   * flow and expectation events come on two streams, so either may be first.
   */
  private readonly early = new Map<string, number>();

  /** `isTftp(server, port)`: whether a DNATed UDP flow to server:port is a TFTP request the doctor looks after. */
  constructor(isTftp: (server: string, port: number) => boolean, now: () => number = Date.now) {
    super('tftp', isTftp, now);
  }

  flow(type: EventType, f: ObservedFlow): void {
    if (f.protonum !== this.protonum || type === 'destroy') return;
    if (f.masterId) this.linkOnce(f, this.byId.get(f.masterId), this.now());
    if (type !== 'new') return;
    const { original: o, reply: r } = f;
    if (r.src === o.dst || r.sport === null || !this.isServed(r.src, r.sport)) return;
    const key = `${r.src}:${r.sport}`;
    const at = this.now();
    const a = this.countRequest(key, f, at);
    const tuple = tupleKey(o);
    this.byId.set(f.id, key);
    this.byTuple.set(tuple, key);
    const early = this.early.get(tuple);
    if (early !== undefined) {
      this.early.delete(tuple);
      this.countExpectation(a, early);
    }
    trimOldest(this.byId, REQUESTS);
    trimOldest(this.byTuple, REQUESTS);
  }

  expectation(type: EventType, x: Expectation): void {
    if (type !== 'new' || x.protonum !== this.protonum) return;
    const tuple = tupleKey(x.master);
    const key = this.byTuple.get(tuple);
    if (!key) {
      this.early.set(tuple, this.now());
      trimOldest(this.early, REQUESTS);
      return;
    }
    this.countExpectation(this.serverOf(key), this.now());
  }
}
