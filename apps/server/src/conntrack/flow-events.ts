/**
 * Reads the `conntrack -E` flow stream as bytes and applies the common event
 * (scan.ts: IPv4, both ports, a kernel id, no helper) with no object built:
 * the line is scanned in place, written into the index
 * (ConntrackTable.applyScanEvent), and its row written as JSON from the slot
 * into the event hub's window (writeRowJson). Watchers see it through one
 * reused view. At 50,000 events a second (bench 15.2c) a line string, a
 * flow, an entry, a row and its JSON per event were ~3 KB of garbage, and
 * the collections they cost held the event loop.
 *
 * Any other line (IPv6, a helper, a destroy the index cannot take this
 * way) goes the way it always did, as text (`line`) or a flow object
 * (`flow`): FlowEventSinks.
 */
import type { EventHub } from '../services/events.js';
import { type FlowAttribution, NO_FORWARD_TAIL } from './attribution.js';
import { type EventType, type Flow, intToIpv4, type Tuple } from './parse.js';
import { ByteLines, type FlowScan, flowOfScan, newFlowScan, scanFlowBytes } from './scan.js';
import type { ConntrackTable, ExpectationEntry, FlowEntry } from './table.js';

/** What a watcher is shown of a flow event; only during the call (a scanned event's view is reused). */
export type WatchedFlow = Pick<FlowEntry, 'id' | 'protonum' | 'original' | 'reply' | 'helper' | 'masterId'>;

/** Sees every flow and expectation event the follower applies (services/ftp-doctor/activity.ts). */
export interface ConntrackWatcher {
  flow(type: EventType, flow: WatchedFlow): void;
  expectation(type: EventType, entry: ExpectationEntry): void;
}

export interface FlowEventSinks {
  table: ConntrackTable;
  hub: EventHub;
  watchers: ReadonlySet<ConntrackWatcher>;
  attribution(): FlowAttribution | null;
  /** A line the scan declines, as text. */
  line(text: string): void;
  /** A scanned event the index cannot take without its flow object. */
  flow(type: EventType, flow: Flow): void;
}

const tuple = (): Tuple => ({ src: '', dst: '', sport: 0, dport: 0 });

/**
 * A scanned event as watchers see it: one object for every event, its id
 * text and tuples made when first read (most watchers stop at the protocol).
 */
class ScannedView implements WatchedFlow {
  readonly helper = null;
  protonum = 0;
  masterId: string | null = null;
  private readonly o = tuple();
  private readonly r = tuple();
  private filled = false;

  constructor(private readonly x: FlowScan) {}

  /** Shows the event the scan holds now. */
  reset(masterId: string | null): void {
    this.protonum = this.x.protonum;
    this.masterId = masterId;
    this.filled = false;
  }

  get id(): string {
    return String(this.x.id);
  }

  get original(): Tuple {
    this.fill();
    return this.o;
  }

  get reply(): Tuple {
    this.fill();
    return this.r;
  }

  private fill(): void {
    if (this.filled) return;
    this.filled = true;
    setTuple(this.o, this.x.addr, this.x.port, 0);
    setTuple(this.r, this.x.addr, this.x.port, 2);
  }
}

export class FlowEventReader {
  private readonly scan = newFlowScan();
  private readonly view = new ScannedView(this.scan);
  /** Called with the slot the table has just written the scanned event into. */
  private readonly applied = (s: number): void => this.send(s);

  constructor(private readonly sinks: FlowEventSinks) {}

  /** A splitter for one stream's output (a line split across chunks is joined). */
  lines(): ByteLines {
    return new ByteLines((b, start, end) => this.read(b, start, end));
  }

  private read(b: Buffer, start: number, end: number): void {
    const x = this.scan;
    if (!scanFlowBytes(b, start, end, x)) {
      this.sinks.line(b.toString('utf8', start, end));
      return;
    }
    if (x.type !== null && !this.sinks.table.applyScanEvent(x.type, x, this.applied))
      this.sinks.flow(x.type, flowOfScan(x));
  }

  private send(s: number): void {
    const { table, hub, watchers } = this.sinks;
    const x = this.scan;
    const type = x.type as EventType;
    if (watchers.size > 0) {
      this.view.reset(table.masterIdOf(s));
      for (const w of watchers) w.flow(type, this.view);
    }
    if (hub.subscriberCount === 0) return;
    const a = this.sinks.attribution();
    const tail = a
      ? a.rowTailJson(x.protonum, x.port[1] as number, x.addr[2] as number, x.port[2] as number)
      : NO_FORWARD_TAIL;
    const out = hub.beginFlow(type, x.id);
    if (!out) return;
    table.writeRowJson(s, tail, out);
    hub.endFlow();
  }
}

function setTuple(t: Tuple, addr: Uint32Array, port: Uint16Array, i: number): void {
  t.src = intToIpv4(addr[i] as number);
  t.dst = intToIpv4(addr[i + 1] as number);
  t.sport = port[i] as number;
  t.dport = port[i + 1] as number;
}
