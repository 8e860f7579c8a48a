/**
 * Follows the kernel's connection tracking: one dump (`conntrack -L`) to fill
 * the index, then the event streams (`conntrack -E`, `conntrack -E expect`)
 * to keep it current. A dying event stream is restarted with exponential
 * backoff, and since events were lost while it was down, a fresh dump
 * follows. The same happens when the kernel reports ENOBUFS (its socket
 * buffer overflowed and events were dropped): subscribers are told, and the
 * index is rebuilt from a dump.
 */
import { CommandError, type Runner, type RunnerLogger, type StreamedProcess } from '@gatehouse/rules';
import { HttpError } from '../lib/errors.js';
import type { ExpectationRow, FlowRow } from '../schemas/conntrack.js';
import type { EventHub } from '../services/events.js';
import type { FlowAttribution } from './attribution.js';
import {
  EVENT_STREAM_OPTIONS,
  EXPECTATION_DUMP_ARGS,
  EXPECTATION_EVENT_ARGS,
  FLOW_DUMP_ARGS,
  flowEventArgs,
  SUBSCRIBE_MS,
} from './commands.js';
import { dumpFlowBytes, dumpLines } from './dump.js';
import { watchEventSocket } from './event-socket.js';
import { type ConntrackWatcher, FlowEventReader } from './flow-events.js';
import {
  type EventType,
  type Expectation,
  type Flow,
  isEnobufsWarning,
  parseExpectationLine,
  parseFlowLine,
} from './parse.js';
import { toExpectationRow, toFlowRow } from './rows.js';
import { newFlowScan, scanFlowBytes } from './scan.js';
import { ConntrackSysctls } from './sysctls.js';
import { ConntrackTable, type ExpectationEntry, type FlowEntry, type FlowPage, type FlowQuery } from './table.js';

export interface ConntrackLogger extends RunnerLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

type Kind = 'flows' | 'expectations';

/** After an event loss, how long the losses must stop before the repairing dump (see resyncAfterLoss). */
const LOSS_QUIET_MS = 1000;
const LOSS_MAX_WAIT_MS = 5000;

/**
 * Flow events carry no packet or byte counts (the kernel adds them to DESTROY
 * only), so the counters of live flows are read from a dump when a page is
 * asked for and they are older than this; a larger table is read less often
 * (half a millisecond a flow: 50 s at 100,000), so a busy dashboard does not
 * spend its time parsing dumps.
 */
const COUNTERS_MIN_AGE_MS = 3000;
const COUNTERS_MS_PER_FLOW = 0.5;
/** Up to this many flows a page waits for the counters it is about to show. */
const COUNTERS_WAIT_MAX_FLOWS = 5000;

/** How long start() waits for the first dump before letting the server start (the dump goes on). */
const START_WAIT_MS = 1000;
/**
 * The end of a resync sweeps the index in steps of SWEEP_STEP slots for at
 * most SWEEP_SLICE_MS a turn of the event loop: a slot costs 0.2-0.3 µs,
 * but one whose flow is dropped up to ~4 µs (its id leaves the id index;
 * a step of 512 is then ~2 ms), and a fixed 25,000 slots a turn took 90 ms
 * in a 50k/s burst (15.2c).
 */
const SWEEP_STEP = 512;
const SWEEP_SLICE_MS = 5;

export class ConntrackService {
  readonly table = new ConntrackTable();
  private readonly watchers = new Set<ConntrackWatcher>();
  private readonly runner: Runner;
  /** The namespace's conntrack sysctls: accounting, TCP pickup (sysctls.ts). */
  readonly sysctls: ConntrackSysctls;
  private readonly hub: EventHub;
  private readonly log: ConntrackLogger;
  private readonly streams = new Map<Kind, StreamedProcess>();
  private readonly backoff = new Map<Kind, number>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private buffering: Array<() => void> | null = null;
  private resyncing: Promise<void> | null = null;
  /** Settles when the running resync's first dump is in the index (the chain may go on with a recheck). */
  private loading: Promise<void> | null = null;
  private resyncAgain: string | null = null;
  private stopped = false;
  following = false;
  lastResync: Date | null = null;
  resyncs = 0;
  /** Restarts of the event streams, for status and tests. */
  restarts = 0;
  private lastDumpAt = 0;
  private lossTimer: NodeJS.Timeout | undefined;
  private lossSince = 0;
  private countersAt = 0;
  private countersReading: Promise<void> | null = null;
  private attribution: FlowAttribution | null = null;
  /** The flows' attribution now: the event reader's, and the warm-up's (warm-up.ts: one call target for V8). */
  readonly attributionNow = (): FlowAttribution | null => this.attribution;

  private readonly eventBufferBytes: number;
  private readonly flowEvents: FlowEventReader;

  /**
   * `eventBufferBytes`: netlink receive buffer of the event sockets (set by
   * event-socket.ts: conntrack's own `-b` misses it; the kernel doubles it;
   * config conntrackEventBufferBytes).
   * Large, so bursts are not dropped while the event loop is busy; memory is
   * only taken while events queue.
   */
  constructor(runner: Runner, hub: EventHub, log: ConntrackLogger, options: { eventBufferBytes: number }) {
    this.eventBufferBytes = options.eventBufferBytes;
    this.runner = runner;
    this.sysctls = new ConntrackSysctls(runner);
    this.hub = hub;
    this.log = log;
    this.flowEvents = new FlowEventReader({
      table: this.table,
      hub,
      watchers: this.watchers,
      attribution: this.attributionNow,
      line: (text) => this.onEventLine('flows', text),
      flow: (type, flow) => this.applyFlow(type, flow),
    });
  }

  /** Starts following: event streams first (so nothing between dump and stream is missed), then a dump. */
  async start(): Promise<void> {
    this.stopped = false;
    // Started before the streams and the dump, so that flows carry counters and start times from now on.
    const accounting = this.sysctls
      .enableAccounting()
      .catch((err: unknown) => this.log.warn({ err }, 'could not turn on conntrack accounting and timestamps'));
    this.following = true;
    this.startStream('flows');
    this.startStream('expectations');
    // conntrack gives no sign that its socket is subscribed: the dump starts
    // 150 ms later, timed by the helper that starts it, not by a timer here
    // that the rest of a server's start-up would hold back by seconds (15.6).
    // A large table's first dump (a million flows: seconds, more on a busy
    // box) must not hold up the server's start: Fastify gives its start-up
    // 10 s, and a dump that took longer failed the start. Requests that need
    // the table wait for the dump (fresh()); a small one is loaded before this returns.
    const first = this.resync('start', SUBSCRIBE_MS);
    await accounting;
    let waited: NodeJS.Timeout | undefined;
    await Promise.race([
      first,
      new Promise((r) => {
        waited = setTimeout(r, START_WAIT_MS);
      }),
    ]);
    clearTimeout(waited);
    first.catch((err: unknown) => this.log.warn({ err }, 'the first conntrack dump failed'));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.following = false;
    clearTimeout(this.lossTimer);
    this.lossTimer = undefined;
    for (const t of this.restartTimers) clearTimeout(t);
    this.restartTimers.clear();
    const waits: Promise<unknown>[] = [];
    for (const s of this.streams.values()) {
      s.kill('SIGTERM');
      waits.push(s.done);
    }
    this.streams.clear();
    await Promise.all(waits);
    await this.resyncing?.catch(() => undefined);
  }

  /** For tests: the event process of a kind. */
  streamProcess(kind: Kind): StreamedProcess | undefined {
    return this.streams.get(kind);
  }

  private startStream(kind: Kind): void {
    if (this.stopped) return;
    const args = kind === 'flows' ? flowEventArgs(this.eventBufferBytes) : EXPECTATION_EVENT_ARGS;
    const startedAt = Date.now();
    // Flow events are read as bytes (flow-events.ts): no string per line.
    const flowLines = kind === 'flows' ? this.flowEvents.lines() : null;
    const proc = this.runner.stream(
      'conntrack',
      args,
      {
        onLine: (line) => this.onEventLine(kind, line),
        ...(flowLines ? { onChunk: (chunk: Buffer) => flowLines.push(chunk) } : {}),
        onStderrLine: (line) => {
          if (isEnobufsWarning(line)) this.eventsLost(kind);
        },
      },
      EVENT_STREAM_OPTIONS,
    );
    this.streams.set(kind, proc);
    this.sizeEventSocket(kind, proc);
    void proc.done.then((r) => {
      flowLines?.end();
      if (this.streams.get(kind) !== proc) return;
      this.streams.delete(kind);
      if (this.stopped) return;
      // Ran for a while: it was not a crash loop, start over with a short delay.
      const prev = Date.now() - startedAt > 30_000 ? 0 : (this.backoff.get(kind) ?? 0);
      const delay = Math.min(30_000, prev === 0 ? 250 : prev * 2);
      this.backoff.set(kind, delay);
      this.log.warn(
        { kind, exitCode: r.exitCode, signal: r.signal, stderr: r.stderr.slice(0, 500), retryInMs: delay },
        'conntrack event stream ended; restarting',
      );
      const timer = setTimeout(() => {
        this.restartTimers.delete(timer);
        if (this.stopped) return;
        this.restarts++;
        this.startStream(kind);
        this.hub.publish('resync', { reason: 'restart', kind, at: new Date().toISOString() });
        void this.resync('restart').catch(() => undefined);
      }, delay);
      this.restartTimers.add(timer);
    });
  }

  private onEventLine(kind: Kind, line: string): void {
    const apply =
      kind === 'flows'
        ? (() => {
            const parsed = parseFlowLine(line);
            if (!parsed?.type) return null;
            const { type, flow } = parsed;
            return () => this.applyFlow(type, flow);
          })()
        : (() => {
            const parsed = parseExpectationLine(line);
            if (!parsed?.type) return null;
            const { type, expectation } = parsed;
            return () => this.applyExpectation(type, expectation);
          })();
    if (!apply) return;
    // Flow events go straight into the index even while a dump is being read
    // (the table keeps them apart from older dump lines); expectations, a
    // handful, are replayed on top of their dump.
    if (this.buffering && kind === 'expectations') this.buffering.push(apply);
    else apply();
  }

  /** Calls `w` with every flow and expectation event applied from now on; returns the way to stop. */
  watch(w: ConntrackWatcher): () => void {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }

  private applyFlow(type: EventType, flow: Flow): void {
    const entry = this.table.applyFlowEvent(type, flow);
    for (const w of this.watchers) w.flow(type, entry);
    // A row (with its forward, from the applied model) only for someone to send it to.
    if (this.hub.subscriberCount > 0) this.hub.flow(type, this.flowRow(entry));
  }

  private applyExpectation(type: EventType, x: Expectation): void {
    const entry = this.table.applyExpectationEvent(type, x);
    for (const w of this.watchers) w.expectation(type, entry);
    this.hub.expectation(type, this.expectationRow(entry));
    for (const f of this.table.takeLateLinks()) {
      for (const w of this.watchers) w.flow('update', f);
      this.hub.flow('update', this.flowRow(f));
    }
  }

  /**
   * Events were lost (conntrack's ENOBUFS, or the socket's drop counter).
   * conntrack prints a line per failed read: hundreds a second in a burst.
   * One message per loss episode (until its repairing dump starts); a loss
   * during that dump starts a new episode.
   */
  private eventsLost(kind: Kind): void {
    if (this.lossTimer === undefined) {
      this.log.warn({ kind }, 'conntrack events lost (ENOBUFS); resynchronising from a dump');
      this.hub.publish('resync', { reason: 'enobufs', kind, at: new Date().toISOString() });
    }
    this.resyncAfterLoss();
  }

  /**
   * conntrack 1.4.7 puts `-b` on another socket: the event socket is sized
   * from here, and its drop counter watched (event-socket.ts): drops the
   * kernel did not report as ENOBUFS are losses too.
   */
  private sizeEventSocket(kind: Kind, proc: StreamedProcess): void {
    watchEventSocket(this.runner, proc, this.eventBufferBytes, {
      current: () => this.streams.get(kind) === proc,
      lost: () => this.eventsLost(kind),
      unsized: (error) =>
        this.log.warn(
          { kind, error },
          'could not size the conntrack event socket: bursts may lose events (reported, then repaired)',
        ),
    });
  }

  /**
   * ENOBUFS comes in bursts, when the box is busiest. The loss is reported at
   * once; the dump that repairs the index waits until the losses have stopped
   * for LOSS_QUIET_MS (at most LOSS_MAX_WAIT_MS after the first), so parsing
   * 100,000 lines does not compete with the burst and cause more losses.
   */
  private resyncAfterLoss(): void {
    const now = Date.now();
    if (this.lossTimer === undefined) this.lossSince = now;
    clearTimeout(this.lossTimer);
    const wait = Math.max(0, Math.min(LOSS_QUIET_MS, this.lossSince + LOSS_MAX_WAIT_MS - now));
    this.lossTimer = setTimeout(() => {
      this.lossTimer = undefined;
      if (this.stopped) return;
      // Clients reload once more when the index is whole again.
      void this.resync('enobufs').then(
        () => this.hub.publish('resync', { reason: 'resynced', kind: 'flows', at: new Date().toISOString() }),
        () => undefined,
      );
    }, wait);
  }

  /**
   * Rebuilds the index from a dump. Flow events arriving meanwhile are applied
   * at once (and win over the dump's older lines, so a flow destroyed during
   * the dump does not come back); expectation events are held and replayed
   * on top of the expectation dump.
   * Concurrent callers share one dump; a loss reported while a dump is
   * running (ENOBUFS comes in bursts) may postdate the part of the table it
   * has already read, so one more dump follows it, and the returned promise
   * settles after that one.
   */
  resync(reason: string, delayMs = 0): Promise<void> {
    if (this.resyncing) {
      this.resyncAgain = reason;
      return this.resyncing;
    }
    let loaded!: (err?: unknown) => void;
    this.loading = new Promise<void>((resolve, reject) => {
      loaded = (err) => (err === undefined ? resolve() : reject(err));
    });
    this.loading.catch(() => undefined);
    this.resyncing = (async () => {
      try {
        for (let r: string | null = reason, d = delayMs; r !== null && !this.stopped; r = this.resyncAgain, d = 0) {
          this.resyncAgain = null;
          await this.resyncOnce(r, d);
          loaded();
        }
      } catch (err) {
        loaded(err);
        throw err;
      } finally {
        loaded();
        this.resyncAgain = null;
        this.resyncing = null;
      }
    })();
    return this.resyncing;
  }

  /** `delayMs`: the dumps start that much later (Runner StreamOptions.delayMs). */
  private async resyncOnce(reason: string, delayMs: number): Promise<void> {
    this.buffering = [];
    // The dump is written into the index as it is read (no list of 100,000
    // parsed flows held until the end); a failed dump drops nothing.
    this.table.beginReplace();
    const scan = newFlowScan();
    let complete = false;
    try {
      const [, expectations] = await Promise.all([
        dumpFlowBytes(
          this.runner,
          FLOW_DUMP_ARGS,
          (b, start, end) => {
            if (scanFlowBytes(b, start, end, scan)) this.table.putDumpedScan(scan);
            else {
              const flow = parseFlowLine(b.toString('utf8', start, end))?.flow;
              if (flow) this.table.putDumped(flow);
            }
          },
          delayMs,
        ),
        dumpLines(
          this.runner,
          EXPECTATION_DUMP_ARGS,
          (line) => parseExpectationLine(line)?.expectation ?? null,
          delayMs,
        ),
      ]);
      complete = true;
      // Dropping what the dump did not name, in slices: events (and requests) get in between.
      for (;;) {
        const until = performance.now() + SWEEP_SLICE_MS;
        let swept = this.table.sweepReplace(SWEEP_STEP);
        while (!swept && performance.now() < until) swept = this.table.sweepReplace(SWEEP_STEP);
        if (swept) break;
        await new Promise((r) => setImmediate(r));
      }
      this.table.endReplace();
      // Lines left out for a flow destroyed meanwhile may have been a new flow
      // with a reused id: one more dump settles it (not repeated after that).
      if (this.table.replaceUncertain > 0 && reason !== 'recheck') this.resyncAgain ??= 'recheck';
      this.table.replaceExpectations(expectations);
      const held = this.buffering;
      this.buffering = null;
      for (const apply of held) apply();
      this.lastResync = new Date();
      this.lastDumpAt = Date.now();
      this.countersAt = this.lastDumpAt;
      this.resyncs++;
      this.log.info(
        { reason, flows: this.table.flows.size, expectations: this.table.expectations.size },
        'conntrack table loaded',
      );
    } finally {
      if (!complete) this.table.endReplace(false);
      const held = this.buffering;
      this.buffering = null;
      if (held) for (const apply of held) apply();
    }
  }

  /** When not following the event streams, reload the tables if the last dump is older than maxAgeMs. */
  async fresh(maxAgeMs = 1000): Promise<void> {
    if (this.following && this.lastResync) return;
    // Following, the first complete dump is enough: a recheck dump after it must not hold pages back (15.6).
    if (this.resyncing) return this.following ? (this.loading ?? this.resyncing) : this.resyncing;
    if (Date.now() - this.lastDumpAt > maxAgeMs) await this.resync('on-demand');
  }

  // --- API views ----------------------------------------------------------------

  /** Marks flows with the forward they came through and whether they are the panel's own (routes/conntrack.ts). */
  useAttribution(a: FlowAttribution): void {
    this.attribution = a;
    // The applied model's forwards are read now, while the first dump runs
    // (100,000 forwards: ~0.5-1 s), not by the first page after it (bench 15.6).
    setImmediate(() => {
      try {
        a.warm();
      } catch (err) {
        this.log.warn({ err }, 'could not read the applied forwards for flow attribution');
      }
    });
  }

  flowRow(e: FlowEntry): FlowRow {
    return toFlowRow(e, this.table.remaining(e.expiresAt), this.attribution);
  }

  expectationRow(e: ExpectationEntry): ExpectationRow {
    return toExpectationRow(e, this.table.remaining(e.expiresAt));
  }

  /**
   * Pages answered since the table last changed, by query: the page a
   * dashboard (or many) polls is one pass over the index, not one per
   * request. Rows are built per request (timeouts count down).
   */
  private pageCache = new Map<string, FlowPage>();
  private pageCacheVersion = -1;

  async queryFlows(q: FlowQuery) {
    const page = await this.queryPage(q);
    return { ...page, items: page.items.map((e) => this.flowRow(e)) };
  }

  /**
   * The page of index entries for a query, the same object until the table
   * changes (callers may cache what they derive from it by identity).
   */
  async queryPage(q: FlowQuery): Promise<FlowPage> {
    await this.fresh();
    await this.refreshCountersIfOld();
    if (this.pageCacheVersion !== this.table.version) {
      this.pageCache.clear();
      this.pageCacheVersion = this.table.version;
    }
    const key = JSON.stringify([
      q.sort,
      q.order,
      q.limit,
      q.cursor,
      q.protocol,
      q.address,
      q.port,
      q.state,
      q.helper,
      q.mark,
    ]);
    let page = this.pageCache.get(key);
    if (!page) {
      page = this.table.query(q);
      if (this.pageCache.size >= 64) this.pageCache.clear();
      this.pageCache.set(key, page);
    }
    return page;
  }

  async listExpectations(): Promise<ExpectationRow[]> {
    await this.fresh();
    return [...this.table.expectations.values()].map((e) => this.expectationRow(e));
  }

  async getFlow(id: string): Promise<FlowRow | undefined> {
    await this.fresh();
    const e = this.table.flows.get(id);
    return e ? this.flowRow(e) : undefined;
  }

  /**
   * Reads the live flows' counters when they are older than the table's size
   * allows: a small table's (a dump of a few ms) before answering, so a page
   * shows current counts; a large table's in the background.
   */
  private async refreshCountersIfOld(): Promise<void> {
    if (!this.following || this.countersReading || this.stopped) return;
    const size = this.table.flows.size;
    if (Date.now() - this.countersAt < Math.max(COUNTERS_MIN_AGE_MS, size * COUNTERS_MS_PER_FLOW)) return;
    const reading = this.refreshCounters().catch((err: unknown) =>
      this.log.warn({ err }, 'could not read conntrack counters'),
    );
    if (size <= COUNTERS_WAIT_MAX_FLOWS) await reading;
  }

  /**
   * Reads packet and byte counters (and start times) of the flows the index
   * holds from one dump; nothing else of a flow changes, and a line for a
   * flow the events have removed meanwhile is ignored.
   */
  refreshCounters(): Promise<void> {
    if (this.countersReading) return this.countersReading;
    this.countersReading = (async () => {
      try {
        const scan = newFlowScan();
        await dumpFlowBytes(this.runner, FLOW_DUMP_ARGS, (b, start, end) => {
          if (scanFlowBytes(b, start, end, scan)) {
            if (scan.hasCounters || scan.age >= 0) this.table.updateCountersScan(scan);
            return;
          }
          const flow = parseFlowLine(b.toString('utf8', start, end))?.flow;
          if (flow && (flow.counters || flow.age !== null)) this.table.updateCounters(flow);
        });
        this.table.countersChanged();
      } finally {
        this.countersAt = Date.now();
        this.countersReading = null;
      }
    })();
    return this.countersReading;
  }

  /** `conntrack -C`: the kernel's own count. */
  async kernelCount(): Promise<number | null> {
    const r = await this.runner.run('conntrack', ['-C'], { reject: false });
    const n = Number(r.stdout.trim());
    return r.exitCode === 0 && Number.isFinite(n) ? n : null;
  }

  /**
   * Deletes a flow by its exact original tuple. Returns the flow as it was,
   * or undefined when it is not (or no longer) in the kernel's table.
   */
  async kill(id: string): Promise<FlowRow | undefined> {
    await this.fresh(0);
    const e = this.table.flows.get(id);
    if (!e) return undefined;
    await this.attribution?.fresh();
    if (this.attribution?.isPanel(e.protonum, e.reply)) {
      throw new HttpError(
        409,
        'panel_connection',
        `flow ${id} is a connection to the panel itself: killing it would cut off the operator using it`,
      );
    }
    const o = e.original;
    const args = ['-D', '-p', e.protocol, '-s', o.src, '-d', o.dst];
    if (o.icmp)
      args.push('--icmp-type', String(o.icmp.type), '--icmp-code', String(o.icmp.code), '--icmp-id', String(o.icmp.id));
    else if (o.sport !== null && o.dport !== null) args.push('--sport', String(o.sport), '--dport', String(o.dport));
    if (e.zone !== null) args.push('-w', String(e.zone));
    const r = await this.runner.run('conntrack', args, { reject: false });
    const row = this.flowRow(e);
    if (r.exitCode !== 0) {
      if (/0 flow entries/.test(r.stderr)) {
        this.table.applyFlowEvent('destroy', e);
        return undefined;
      }
      throw new CommandError(r);
    }
    if (!this.following) this.table.applyFlowEvent('destroy', e);
    return row;
  }
}
