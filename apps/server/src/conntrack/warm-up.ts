/**
 * Runs the flow-event path once at start-up on made-up events, so that the
 * first real flood finds it compiled.
 *
 * The path (flow-events.ts: the byte scan, the index, the row written as
 * JSON into the hub's window, the window's message) runs cold until V8 has
 * seen enough calls to compile it. A flood of 50,000 new flows a second
 * that arrives first (bench 15.2c) then meets it half-compiled: the longest
 * event-loop delay fell at the start of the first burst in most runs
 * (32-63 ms in one window, the compiler thread and the event loop sharing
 * a busy box), and an untimed one-second burst before it took that away.
 *
 * The made-up events go through a scratch index and a scratch hub with one
 * subscriber that takes each message's body as the SSE route does; the
 * server's attribution (the forwards) is the real one, read only. Nothing
 * the server holds is touched. They go in slices, one per turn of the event
 * loop (~1-3 ms each), so a request that arrives meanwhile waits for one
 * slice at most. The lines are those `conntrack -E -o id` prints with
 * accounting and timestamps on (a new UDP flow, a TCP one and its update,
 * their ends), with ids spread over 32 bits as the kernel's are: V8
 * throws away code compiled for what it has seen at the first event it has
 * not (`--trace-deopt`: small ids, a call target, a branch never taken),
 * and compiles again while the flood runs.
 */
import { EventHub, messageBody } from '../services/events.js';
import type { FlowAttribution } from './attribution.js';
import { FlowEventReader } from './flow-events.js';
import { ConntrackTable } from './table.js';

/** Enough calls for V8 to optimize the path (the bench's untimed warm burst was 50,000 flows). */
export const WARM_UP_EVENTS = 40_000;
/** Events per turn of the event loop. */
const SLICE = 500;

/**
 * A made-up kernel id: spread over 32 bits as the kernel's are (most are
 * above V8's small integers, and code that saw only small ones would be
 * thrown away at the first real event). Distinct for distinct n > 0.
 */
const kernelId = (n: number): number => Math.imul(n, 0x9e3779b1) >>> 0;

const address = (i: number): string => `198.18.${(i >>> 8) & 255}.${i & 255}`;
const sport = (i: number): number => 1024 + (i % 60_000);

/** Made-up flow `i` while it lives: a UDP flow that stays, and a TCP one that is set up and ends. */
function liveLines(i: number): string {
  const a = address(i);
  const p = sport(i);
  const udp = kernelId(2 * i + 1);
  const tcp = kernelId(2 * i + 2);
  return (
    `    [NEW] udp      17 30 src=${a} dst=203.0.113.10 sport=${p} dport=5353 [UNREPLIED] src=10.9.0.2 dst=${a} sport=5353 dport=${p} id=${udp}\n` +
    `    [NEW] tcp      6 120 SYN_SENT src=${a} dst=203.0.113.10 sport=${p} dport=443 [UNREPLIED] src=10.9.0.2 dst=${a} sport=443 dport=${p} id=${tcp}\n` +
    ` [UPDATE] tcp      6 432000 ESTABLISHED src=${a} dst=203.0.113.10 sport=${p} dport=443 src=10.9.0.2 dst=${a} sport=443 dport=${p} [ASSURED] id=${tcp}\n` +
    `[DESTROY] tcp      6 120 CLOSE src=${a} dst=203.0.113.10 sport=${p} dport=443 packets=3 bytes=180 src=10.9.0.2 dst=${a} sport=443 dport=${p} packets=2 bytes=120 [ASSURED] delta-time=1 id=${tcp}\n`
  );
}

/** The end of made-up flow `i`'s UDP flow, as a flush (`conntrack -F`) reports it. */
function flushLine(i: number): string {
  const a = address(i);
  const p = sport(i);
  return `[DESTROY] udp      17 29 src=${a} dst=203.0.113.10 sport=${p} dport=5353 packets=1 bytes=29 [UNREPLIED] src=10.9.0.2 dst=${a} sport=5353 dport=${p} packets=0 bytes=0 delta-time=1 id=${kernelId(2 * i + 1)}\n`;
}

export interface WarmUpResult {
  /** Events read. */
  events: number;
  /** Bytes of the `flows` messages the scratch hub sent. */
  sentBytes: number;
  /** Events that left the fast path (none: the lines are the common shape scan.ts takes). */
  declined: number;
  ms: number;
}

/**
 * Reads `events` made-up flow events (rounded up to a multiple of five)
 * through the flow-event path, a slice per turn of the event loop.
 */
export async function warmFlowEvents(
  attribution: () => FlowAttribution | null,
  events = WARM_UP_EVENTS,
): Promise<WarmUpResult> {
  const started = performance.now();
  const table = new ConntrackTable();
  // Held while the window fills, as a live page's would be: the window's
  // buffers are handed back once every subscriber has sent the message.
  const hub = new EventHub({ batchMs: 250 });
  let sentBytes = 0;
  let declined = 0;
  hub.subscribe((msg) => {
    const release = msg.hold?.();
    if (msg.event === 'flows') sentBytes += messageBody(msg).length;
    release?.();
  });
  const reader = new FlowEventReader({
    table,
    hub,
    watchers: new Set(),
    attribution,
    line: () => declined++,
    flow: () => declined++,
  });
  const lines = reader.lines();
  // The UDP flows stay until the end, so the scratch index grows as a real
  // one does under a flood (its columns resized), then are flushed.
  const flows = Math.ceil(events / 5);
  /** Every made-up flow's lines (`per` a flow), a slice of events per turn. */
  const read = async (per: number, text: (i: number) => string) => {
    for (let i = 0; i < flows; ) {
      let chunk = '';
      for (const end = Math.min(flows, i + Math.ceil(SLICE / per)); i < end; i++) chunk += text(i);
      lines.push(Buffer.from(chunk));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  };
  await read(4, liveLines);
  await read(1, flushLine);
  hub.flush();
  hub.close();
  return { events: flows * 5, sentBytes, declined, ms: performance.now() - started };
}
