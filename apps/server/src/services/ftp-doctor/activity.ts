/**
 * What the doctor remembers of FTP traffic: the counters every helper kind
 * keeps (helper-activity.ts), found FTP's way (a data connection by its
 * control connection, an expectation by its master tuple), plus what only
 * FTP has: the control connections with the helper (for the FTPS
 * heuristics), active attempts (an expectation announced by PORT/EPRT) and
 * stray connections (a client of an FTP server connecting to a high port
 * nothing forwards). It listens to the events the conntrack follower
 * applies (conntrack/service.ts watch()); everything is bounded.
 */
import type { EventType, Expectation, Tuple } from '../../conntrack/parse.js';
import { HelperActivity, type ObservedFlow, trimOldest, tupleKey } from './helper-activity.js';

export type { ObservedFlow, Seen, ServerActivity } from './helper-activity.js';

/** Control connections with the helper remembered (for expectations and stray connections). */
const CONTROLS = 1024;
/** Stray connections remembered. */
const STRAYS = 256;
/** How long a client with a helper control connection is watched for stray connections. */
const STRAY_WINDOW_MS = 30 * 60_000;

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

export class FtpActivity extends HelperActivity {
  private readonly controls = new Map<string, ControlFlow>();
  private readonly controlById = new Map<string, string>();
  /**
   * client -> (address its data connections could go to -> when a helper
   * control connection of it was last seen): two map reads per candidate
   * stray connection, no string built on the way.
   */
  private readonly controlClients = new Map<string, Map<string, number>>();
  private readonly strays: StrayConnection[] = [];

  /**
   * `isControl(server, port)`: whether a DNATed TCP flow to server:port is an
   * FTP control connection the doctor looks after (a forward exposes that port).
   * `flowById`: the live table's flow by id, for an expectation whose control
   * connection the record has not seen go by (it was read from a dump, after
   * a restart of the event streams).
   */
  constructor(
    isControl: (server: string, port: number) => boolean,
    now: () => number = Date.now,
    private readonly flowById: (id: string) => ObservedFlow | undefined = () => undefined,
  ) {
    super('ftp', isControl, now);
  }

  /** Control connections with the helper to server:port, newest last. */
  controlFlows(server: string, port: number): ControlFlow[] {
    return [...this.controls.values()].filter((c) => c.server === server && c.port === port);
  }

  strayConnections(): readonly StrayConnection[] {
    return this.strays;
  }

  flow(type: EventType, f: ObservedFlow): void {
    if (f.protonum !== this.protonum) return;
    if (type === 'destroy') {
      if (this.controlById.size > 0) this.flowGone(f);
      return;
    }
    const { original: o, reply: r } = f;
    const dnat = r.src !== o.dst;
    if (!f.helper && !f.masterId) {
      // Nearly every flow of a busy gateway: no helper, no master. Only a new
      // one can be a control connection without the helper, or a stray one.
      if (type !== 'new') return;
      if (dnat) {
        if (r.sport !== null && this.isServed(r.src, r.sport)) this.countRequest(`${r.src}:${r.sport}`, f, this.now());
      } else if (o.dport !== null && o.dport >= 1024 && r.sport === o.dport && this.controlClients.size > 0) {
        this.maybeStray(o, this.now());
      }
      return;
    }
    const at = this.now();
    if (f.masterId) this.linkOnce(f, this.serverKeyOfControl(f.masterId), at);
    if (type === 'new' && dnat && r.sport !== null && this.isServed(r.src, r.sport)) {
      this.countRequest(`${r.src}:${r.sport}`, f, at);
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
      trimOldest(this.controls, CONTROLS);
      trimOldest(this.controlById, CONTROLS * 2);
    } else if (f.helper) {
      const c = this.controls.get(this.controlById.get(f.id) ?? '');
      if (c) {
        c.lastAt = at;
        this.touchClient(c.client, c.publicAddress, c.server, at);
      }
    }
  }

  private serverKeyOfControl(controlId: string): string | undefined {
    const key = this.controlById.get(controlId);
    const c = key ? this.controls.get(key) : undefined;
    return c ? `${c.server}:${c.port}` : undefined;
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
    const addresses = this.controlClients.get(client) ?? new Map<string, number>();
    this.controlClients.delete(client);
    this.controlClients.set(client, addresses);
    addresses.set(publicAddress, at);
    addresses.set(server, at);
    trimOldest(this.controlClients, CONTROLS);
  }

  /** A connection (not DNATed) from a client of an FTP server to a high port, of the address it used or the server's. */
  private maybeStray(o: Tuple, at: number): void {
    const last = this.controlClients.get(o.src)?.get(o.dst);
    if (last !== undefined && at - last < STRAY_WINDOW_MS) {
      this.strays.push({ client: o.src, address: o.dst, port: o.dport as number, at });
      if (this.strays.length > STRAYS) this.strays.splice(0, this.strays.length - STRAYS);
    }
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
    this.countExpectation(a, at);
    // A passive data connection comes from the client (PASV/EPSV); one
    // expected from anyone else was announced by PORT/EPRT: an active one.
    if (x.expected.src !== x.master.src) this.countActiveAttempt(a, at, c.client);
  }
}
