/**
 * What the doctor remembers of FTP traffic. Expectations live a few seconds
 * (until their data connection arrives) and a failed data connection leaves
 * nothing in the table, so "how many, when last" has to be kept as the
 * conntrack events go by: this record listens to the events the conntrack
 * follower applies (conntrack/service.ts watch()) and keeps counters and a
 * few recent examples per FTP server, all bounded.
 */
import type { EventType, Expectation, Flow, Tuple } from '../../conntrack/parse.js';

/** Recent examples kept per server (flows without the helper, active attempts). */
const EXAMPLES = 5;
/** Control connections with the helper remembered (for expectations and stray connections). */
const CONTROLS = 1024;
/** Stray connections remembered. */
const STRAYS = 256;
/** Data flow ids remembered, so a late link is not counted twice. */
const LINKED_IDS = 4096;
/** How long a client with a helper control connection is watched for stray connections. */
const STRAY_WINDOW_MS = 30 * 60_000;

export interface Seen {
  at: number;
  client: string;
}

export interface ServerActivity {
  flows: number;
  withHelper: number;
  lastFlowAt: number | null;
  /** Whether the newest control connection carried the helper (null: none seen). */
  lastHadHelper: boolean | null;
  withoutHelper: Seen[];
  expectations: number;
  lastExpectationAt: number | null;
  activeAttempts: Seen[];
  dataLinked: number;
  lastDataAt: number | null;
}

export interface ControlFlow {
  client: string;
  server: string;
  port: number;
  publicAddress: string;
  publicPort: number;
  startedAt: number;
  lastAt: number;
  expectations: number;
  gone: boolean;
}

export interface StrayConnection {
  client: string;
  address: string;
  port: number;
  at: number;
}

const emptyActivity = (): ServerActivity => ({
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

const tupleKey = (t: Tuple) => `${t.src}:${t.sport}>${t.dst}:${t.dport}`;
const pushBounded = <T>(list: T[], item: T, max: number) => {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
};

/** A flow as the events hand it over: the fields the record reads. */
export type ObservedFlow = Pick<Flow, 'id' | 'protonum' | 'original' | 'reply' | 'helper'> & {
  masterId?: string | null;
};

export class FtpActivity {
  readonly since: number;
  private readonly servers = new Map<string, ServerActivity>();
  private readonly controls = new Map<string, ControlFlow>();
  private readonly controlById = new Map<string, string>();
  /** `client>public address` -> when a helper control connection between them was last seen (stray lookups are O(1)). */
  private readonly controlClients = new Map<string, number>();
  private readonly strays: StrayConnection[] = [];
  private readonly linked = new Set<string>();
  private readonly now: () => number;

  /**
   * `isControl(server, port)`: whether a DNATed TCP flow to server:port is an
   * FTP control connection the doctor looks after (a forward exposes that port).
   */
  /**
   * `flowById`: the live table's flow by id, for an expectation whose control
   * connection the record has not seen go by (it was read from a dump, after
   * a restart of the event streams).
   */
  constructor(
    private readonly isControl: (server: string, port: number) => boolean,
    now: () => number = Date.now,
    private readonly flowById: (id: string) => ObservedFlow | undefined = () => undefined,
  ) {
    this.now = now;
    this.since = now();
  }

  activity(server: string, port: number): ServerActivity {
    return this.servers.get(`${server}:${port}`) ?? emptyActivity();
  }

  /** Control connections with the helper to server:port, newest last. */
  controlFlows(server: string, port: number): ControlFlow[] {
    return [...this.controls.values()].filter((c) => c.server === server && c.port === port);
  }

  strayConnections(): readonly StrayConnection[] {
    return this.strays;
  }

  private serverOf(key: string): ServerActivity {
    let a = this.servers.get(key);
    if (!a) {
      a = emptyActivity();
      this.servers.set(key, a);
    }
    return a;
  }

  flow(type: EventType, f: ObservedFlow): void {
    if (f.protonum !== 6 || type === 'destroy') {
      if (type === 'destroy') this.flowGone(f);
      return;
    }
    const at = this.now();
    const { original: o, reply: r } = f;
    const dnat = r.src !== o.dst;
    if (f.masterId) this.dataFlow(f, at);
    if (type === 'new' && dnat && r.sport !== null && this.isControl(r.src, r.sport)) {
      const a = this.serverOf(`${r.src}:${r.sport}`);
      a.flows++;
      a.lastFlowAt = at;
      a.lastHadHelper = f.helper !== null;
      if (f.helper) a.withHelper++;
      else pushBounded(a.withoutHelper, { at, client: o.src }, EXAMPLES);
    }
    if (f.helper && dnat && r.sport !== null && !this.controlById.has(f.id)) {
      const key = tupleKey(o);
      this.controls.set(key, {
        client: o.src,
        server: r.src,
        port: r.sport,
        publicAddress: o.dst,
        publicPort: o.dport ?? 0,
        startedAt: at,
        lastAt: at,
        expectations: 0,
        gone: false,
      });
      this.controlById.set(f.id, key);
      this.touchClient(o.src, o.dst, r.src, at);
      if (this.controls.size > CONTROLS) {
        const oldest = this.controls.keys().next().value as string;
        this.controls.delete(oldest);
      }
      if (this.controlById.size > CONTROLS * 2) {
        const oldest = this.controlById.keys().next().value as string;
        this.controlById.delete(oldest);
      }
    } else if (f.helper) {
      const c = this.controls.get(this.controlById.get(f.id) ?? '');
      if (c) {
        c.lastAt = at;
        this.touchClient(c.client, c.publicAddress, c.server, at);
      }
    }
    if (type === 'new' && !dnat && !f.helper && !f.masterId && o.dport !== null && o.dport >= 1024) {
      this.maybeStray(o, r, at);
    }
  }

  private flowGone(f: ObservedFlow): void {
    const key = this.controlById.get(f.id);
    const c = key ? this.controls.get(key) : undefined;
    if (c) {
      c.gone = true;
      c.lastAt = this.now();
      this.touchClient(c.client, c.publicAddress, c.server, c.lastAt);
    }
  }

  /**
   * A client of an FTP control connection, by the addresses its data
   * connections could go to: the public address it used (EPSV, or a client
   * that skips the 227 address), and the server's private one (a client that
   * believes the 227 reply the helper could not rewrite).
   */
  private touchClient(client: string, publicAddress: string, server: string, at: number): void {
    for (const key of [`${client}>${publicAddress}`, `${client}>${server}`]) {
      this.controlClients.delete(key);
      this.controlClients.set(key, at);
    }
    while (this.controlClients.size > CONTROLS * 2) {
      this.controlClients.delete(this.controlClients.keys().next().value as string);
    }
  }

  /** A connection from a client of an FTP server to a high port, of the address it used or the server's, that nothing forwards. */
  private maybeStray(o: Tuple, r: Tuple, at: number): void {
    if (r.sport !== o.dport) return;
    const last = this.controlClients.get(`${o.src}>${o.dst}`);
    if (last !== undefined && at - last < STRAY_WINDOW_MS) {
      pushBounded(this.strays, { client: o.src, address: o.dst, port: o.dport as number, at }, STRAYS);
    }
  }

  private dataFlow(f: ObservedFlow, at: number): void {
    if (this.linked.has(f.id)) return;
    this.linked.add(f.id);
    if (this.linked.size > LINKED_IDS) this.linked.delete(this.linked.values().next().value as string);
    const key = this.controlById.get(f.masterId as string);
    const c = key ? this.controls.get(key) : undefined;
    if (!c) return;
    const a = this.serverOf(`${c.server}:${c.port}`);
    a.dataLinked++;
    a.lastDataAt = at;
  }

  expectation(type: EventType, x: Expectation & { masterId?: string | null }): void {
    if (type !== 'new') return;
    let c = this.controls.get(tupleKey(x.master));
    const master = !c && x.masterId ? this.flowById(x.masterId) : undefined;
    if (master) {
      this.flow('update', master);
      c = this.controls.get(tupleKey(x.master));
    }
    if (!c) return;
    const at = this.now();
    c.expectations++;
    const a = this.serverOf(`${c.server}:${c.port}`);
    a.expectations++;
    a.lastExpectationAt = at;
    // A passive data connection comes from the client (PASV/EPSV); one
    // expected from anyone else was announced by PORT/EPRT: an active one.
    if (x.expected.src !== x.master.src) pushBounded(a.activeAttempts, { at, client: c.client }, EXAMPLES);
  }
}
