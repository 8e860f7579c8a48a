/**
 * What a flow is to the panel: the forward of the applied model it came
 * through, and whether it is one of the panel's own connections (an
 * operator's browser: killing it cuts the operator off mid-request).
 *
 * A forward is recognised by what its DNAT did to the flow: the original
 * tuple's protocol and destination port are among the forward's public ports,
 * and the reply comes from the forward's target (the kernel's reply tuple is
 * the translated one). A gateway forward redirects to a local port, so its
 * reply comes from that port. The panel's own connections are those whose
 * reply comes from the port the server listens on at one of its addresses.
 */
import { type GatewayModel, portRangesOrNone } from '@gatehouse/rules';
import type { Tuple } from './parse.js';

export interface FlowForward {
  kind: 'forward' | 'gateway';
  id: string;
  name: string;
}

interface Candidate {
  forward: FlowForward;
  /** Reply source a matching flow has (the target), or null for a gateway forward (any local address). */
  target: string | null;
  /** Reply source port a gateway forward's flow has. */
  localPort: number | null;
}

/** The applied model's forwards, by protocol number and public port. */
export class ForwardIndex {
  private readonly single = new Map<number, Candidate[]>();
  private readonly ranges: Array<{ proto: number; from: number; to: number; c: Candidate }> = [];

  constructor(model: GatewayModel | null) {
    if (!model) return;
    for (const g of model.gatewayForwards) {
      if (!g.enabled) continue;
      const c: Candidate = {
        forward: { kind: 'gateway', id: g.id, name: g.name },
        target: null,
        localPort: g.localPort,
      };
      for (const proto of protos(g.protocol)) this.add(proto, g.publicPort, g.publicPort, c);
    }
    for (const f of model.forwards) {
      if (!f.enabled) continue;
      const c: Candidate = { forward: { kind: 'forward', id: f.id, name: f.name }, target: f.target, localPort: null };
      for (const r of portRangesOrNone(f.publicPorts))
        for (const proto of protos(f.protocol)) this.add(proto, r.from, r.to, c);
    }
  }

  private add(proto: number, from: number, to: number, c: Candidate): void {
    if (from === to) {
      const key = proto * 65536 + from;
      const list = this.single.get(key);
      if (list) list.push(c);
      else this.single.set(key, [c]);
    } else this.ranges.push({ proto, from, to, c });
  }

  /** The forward a flow came through, or null. */
  forwardOf(protonum: number, original: Tuple, reply: Tuple): FlowForward | null {
    const port = original.dport;
    if (port === null || (protonum !== 6 && protonum !== 17)) return null;
    const fits = (c: Candidate) => (c.target === null ? reply.sport === c.localPort : reply.src === c.target);
    for (const c of this.single.get(protonum * 65536 + port) ?? []) if (fits(c)) return c.forward;
    for (const r of this.ranges)
      if (r.proto === protonum && port >= r.from && port <= r.to && fits(r.c)) return r.c.forward;
    return null;
  }
}

function protos(p: 'tcp' | 'udp' | 'both'): number[] {
  return p === 'tcp' ? [6] : p === 'udp' ? [17] : [6, 17];
}

/**
 * The addresses of the gateway's network namespace (the one conntrack runs
 * in, which need not be the server's own), read at most every few seconds.
 * `has` answers from the last reading and starts a new one when it is old;
 * `fresh` waits for a current one (before refusing or allowing a kill).
 */
export class LocalAddresses {
  private set = new Set<string>();
  private at = -Infinity;
  private reading: Promise<void> | null = null;
  constructor(private readonly read: () => Promise<Iterable<string>>) {}

  private refresh(): Promise<void> {
    this.reading ??= this.read()
      .then((list) => {
        this.set = new Set(list);
      })
      .catch(() => undefined)
      .finally(() => {
        this.at = Date.now();
        this.reading = null;
      });
    return this.reading;
  }

  has(addr: string): boolean {
    if (Date.now() - this.at > 5000) void this.refresh();
    return this.set.has(addr);
  }

  async fresh(): Promise<void> {
    if (Date.now() - this.at > 5000) await this.refresh();
  }
}

/** The addresses in `ip -o addr show` output ("2: eth0    inet 192.0.2.2/24 brd ..."). */
export function parseIpAddr(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\binet6? ([0-9a-fA-F.:]+)\//g)) out.push(m[1] as string);
  return out;
}

export interface AttributionSource {
  /** The applied model and a key that changes with it (the active revision's id). */
  applied(): { key: number | null; model: GatewayModel | null };
  /** The TCP port the panel listens on. */
  panelPort: number;
  localAddresses: LocalAddresses;
}

/** Forward and panel marks for flows; the applied model is looked up at most once a second. */
export class FlowAttribution {
  private index = new ForwardIndex(null);
  private key: number | null | undefined;
  private checkedAt = -Infinity;
  private readonly local: LocalAddresses;

  constructor(private readonly source: AttributionSource) {
    this.local = source.localAddresses;
  }

  private forwards(): ForwardIndex {
    const now = Date.now();
    if (now - this.checkedAt >= 1000) {
      this.checkedAt = now;
      const { key, model } = this.source.applied();
      if (key !== this.key) {
        this.key = key;
        this.index = new ForwardIndex(model);
      }
    }
    return this.index;
  }

  forwardOf(protonum: number, original: Tuple, reply: Tuple): FlowForward | null {
    return this.forwards().forwardOf(protonum, original, reply);
  }

  /** Reads the applied model's forwards now if they are not known yet (at start, beside the first dump). */
  warm(): void {
    if (this.key === undefined) this.forwards();
  }

  /** Reads the namespace's addresses if the last reading is old (before a decision that must be right). */
  fresh(): Promise<void> {
    return this.local.fresh();
  }

  /** Whether the flow is a connection to the panel itself. */
  isPanel(protonum: number, reply: Tuple): boolean {
    return protonum === 6 && reply.sport === this.source.panelPort && this.local.has(reply.src);
  }
}
