/**
 * What the doctor remembers of one helper kind's traffic, the part every
 * kind shares (helper-kinds.ts' registry): per server and port, the new
 * flows that came through a forward (DNATed, to a port the kind serves) and
 * whether they carried the helper, the expectations the helper created for
 * them, and the flows linked to them (FTP's data connections, TFTP's
 * answers). Expectations live until their flow arrives (milliseconds to
 * seconds) and a failed flow leaves nothing in the table, so "how many,
 * when last" is kept as the conntrack events go by. Counters and a few
 * recent examples, all bounded. FtpActivity (activity.ts) and TftpActivity
 * (tftp-activity.ts) add how each kind finds a flow's request.
 *
 * The hooks run on every conntrack event of the gateway (50,000 new flows/s
 * in bench 15.2c), nearly all of them of no helper: a kind's hook first
 * compares the protocol number, then the helper and master fields, and only
 * then builds strings or reads the clock.
 */
import { HELPER_KIND_SPECS, type HelperKind } from '@gatehouse/rules';
import type { EventType, Expectation, Flow, Tuple } from '../../conntrack/parse.js';

/** Recent examples kept per server (flows without the helper, active attempts). */
const EXAMPLES = 5;
/** Linked flow ids remembered, so a late link is not counted twice. */
const LINKED_IDS = 4096;

const PROTONUM = { tcp: 6, udp: 17 } as const;

export interface Seen {
  at: number;
  client: string;
}

export interface ServerActivity {
  flows: number;
  withHelper: number;
  lastFlowAt: number | null;
  /** Whether the newest flow carried the helper (null: none seen). */
  lastHadHelper: boolean | null;
  withoutHelper: Seen[];
  expectations: number;
  lastExpectationAt: number | null;
  /** Active data connections announced (FTP's PORT/EPRT); always empty for other kinds. */
  activeAttempts: Seen[];
  dataLinked: number;
  lastDataAt: number | null;
}

/** A flow as the events hand it over: the fields the record reads. */
export type ObservedFlow = Pick<Flow, 'id' | 'protonum' | 'original' | 'reply' | 'helper'> & {
  masterId?: string | null;
};

export const emptyActivity = (): ServerActivity => ({
  flows: 0,
  withHelper: 0,
  lastFlowAt: null,
  lastHadHelper: null,
  withoutHelper: [],
  expectations: 0,
  lastExpectationAt: null,
  activeAttempts: [],
  dataLinked: 0,
  lastDataAt: null,
});

export const tupleKey = (t: Tuple) => `${t.src}:${t.sport}>${t.dst}:${t.dport}`;

export const pushBounded = <T>(list: T[], item: T, max: number) => {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
};

/** Drops a map's oldest entries (insertion order) down to `max`. */
export const trimOldest = <K, V>(m: Map<K, V>, max: number) => {
  while (m.size > max) m.delete(m.keys().next().value as K);
};

export abstract class HelperActivity {
  readonly since: number;
  /** The kind's layer-4 protocol number: the first, allocation-free test of every event. */
  protected readonly protonum: number;
  private readonly servers = new Map<string, ServerActivity>();
  private readonly linked = new Set<string>();

  /** `isServed(server, port)`: whether a DNATed flow of the kind's protocol to server:port is one the doctor looks after. */
  constructor(
    readonly kind: HelperKind,
    protected readonly isServed: (server: string, port: number) => boolean,
    protected readonly now: () => number,
  ) {
    this.protonum = PROTONUM[HELPER_KIND_SPECS[kind].protocol];
    this.since = now();
  }

  abstract flow(type: EventType, f: ObservedFlow): void;
  abstract expectation(type: EventType, x: Expectation & { masterId?: string | null }): void;

  activity(server: string, port: number): ServerActivity {
    return this.servers.get(`${server}:${port}`) ?? emptyActivity();
  }

  protected serverOf(key: string): ServerActivity {
    let a = this.servers.get(key);
    if (!a) {
      a = emptyActivity();
      this.servers.set(key, a);
    }
    return a;
  }

  /** A new flow through a forward to `server:port` (`key`): counted, with whether it carried the helper. */
  protected countRequest(key: string, f: ObservedFlow, at: number): ServerActivity {
    const a = this.serverOf(key);
    a.flows++;
    a.lastFlowAt = at;
    a.lastHadHelper = f.helper !== null;
    if (f.helper) a.withHelper++;
    else pushBounded(a.withoutHelper, { at, client: f.original.src }, EXAMPLES);
    return a;
  }

  protected countExpectation(a: ServerActivity, at: number): void {
    a.expectations++;
    a.lastExpectationAt = at;
  }

  protected countActiveAttempt(a: ServerActivity, at: number, client: string): void {
    pushBounded(a.activeAttempts, { at, client }, EXAMPLES);
  }

  /**
   * A flow the helper related to a master (`masterKey`: its server's key,
   * undefined while the master is unknown), counted once for that server.
   */
  protected linkOnce(f: ObservedFlow, masterKey: string | undefined, at: number): void {
    if (masterKey === undefined || this.linked.has(f.id)) return;
    this.linked.add(f.id);
    if (this.linked.size > LINKED_IDS) this.linked.delete(this.linked.values().next().value as string);
    const a = this.serverOf(masterKey);
    a.dataLinked++;
    a.lastDataAt = at;
  }
}
