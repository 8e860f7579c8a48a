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
import { intToIpv4, ipv4ToInt, type Tuple } from './parse.js';

export interface FlowForward {
  kind: 'forward' | 'gateway';
  id: string;
  name: string;
}

interface Candidate {
  forward: FlowForward;
  /** A row's last fields for a flow of this forward, not the panel's (rowTailJson). */
  tail: string;
  /** Reply source a matching flow has (the target), or null for a gateway forward (any local address). */
  target: string | null;
  /** `target` as a uint32 (-1: not IPv4), for flows read as numbers (scan.ts). */
  targetInt: number;
  /** Reply source port a gateway forward's flow has. */
  localPort: number | null;
}

const NONE: readonly Candidate[] = [];
/** A row's last fields for a flow of no forward, not the panel's (rows.ts toFlowRow). */
export const NO_FORWARD_TAIL = '"forward":null,"panel":false';

function candidate(forward: FlowForward, target: string | null, localPort: number | null): Candidate {
  return {
    forward,
    tail: `"forward":${JSON.stringify(forward)},"panel":false`,
    target,
    targetInt: target === null ? -1 : (ipv4ToInt(target) ?? -1),
    localPort,
  };
}

/** The applied model's forwards, by protocol number and public port. */
export class ForwardIndex {
  private readonly single = new Map<number, Candidate[]>();
  private readonly ranges: Array<{ proto: number; from: number; to: number; c: Candidate }> = [];

  constructor(model: GatewayModel | null) {
    if (!model) return;
    for (const g of model.gatewayForwards) {
      if (!g.enabled) continue;
      const c = candidate({ kind: 'gateway', id: g.id, name: g.name }, null, g.localPort);
      for (const proto of protos(g.protocol)) this.add(proto, g.publicPort, g.publicPort, c);
    }
    for (const f of model.forwards) {
      if (!f.enabled) continue;
      const c = candidate({ kind: 'forward', id: f.id, name: f.name }, f.target, null);
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
    return this.find(protonum, original.dport, reply.src, -1, reply.sport)?.forward ?? null;
  }

  /**
   * A row's last fields, `"forward":..,"panel":..`, as JSON text (what
   * rows.ts toFlowRow gives), for a flow read as numbers: its original
   * dport, its reply source (uint32) and source port.
   */
  rowTailJson(protonum: number, dport: number, replySrc: number, replySport: number, panel: boolean): string {
    const c = this.find(protonum, dport, null, replySrc, replySport);
    if (!panel) return c ? c.tail : NO_FORWARD_TAIL;
    return `"forward":${c ? JSON.stringify(c.forward) : 'null'},"panel":true`;
  }

  /**
   * The forward a flow matches: by protocol and public port, then by its
   * reply's source (as text, or with `srcText` null as a uint32) or, for a
   * gateway forward, the reply's source port.
   */
  private find(
    protonum: number,
    port: number | null,
    srcText: string | null,
    srcInt: number,
    sport: number | null,
  ): Candidate | null {
    if (port === null || (protonum !== 6 && protonum !== 17)) return null;
    for (const c of this.single.get(protonum * 65536 + port) ?? NONE) if (fits(c, srcText, srcInt, sport)) return c;
    for (const r of this.ranges)
      if (r.proto === protonum && port >= r.from && port <= r.to && fits(r.c, srcText, srcInt, sport)) return r.c;
    return null;
  }
}

function fits(c: Candidate, srcText: string | null, srcInt: number, sport: number | null): boolean {
  if (c.target === null) return sport === c.localPort;
  return srcText !== null ? srcText === c.target : srcInt === c.targetInt && srcInt >= 0;
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

  /** ForwardIndex.rowTailJson, with the panel mark. */
  rowTailJson(protonum: number, dport: number, replySrc: number, replySport: number): string {
    const panel = protonum === 6 && replySport === this.source.panelPort && this.local.has(intToIpv4(replySrc));
    return this.forwards().rowTailJson(protonum, dport, replySrc, replySport, panel);
  }
}
