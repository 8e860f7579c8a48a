/**
 * The conntrack commands the follower runs (service.ts), in one place, so
 * that server.ts can start them before the app is loaded with the very same
 * arguments and options (`prestartConntrack`; the service's own calls then
 * take them over: @gatehouse/rules prestarted-streams.ts). Small on purpose:
 * server.ts imports it before anything else of the app (bench 15.6).
 */
import { prestartStream, type Runner, type StreamOptions } from '@gatehouse/rules';

/**
 * `conntrack -E` of flows, with ids, on a netlink buffer of `bufferBytes`
 * (the kernel doubles it). conntrack 1.4.6-1.4.8 set it on their query
 * socket, not on the one the events come in by: the server sets that one
 * itself (event-socket.ts); `-b` stays for versions that get it right.
 */
export function flowEventArgs(bufferBytes: number): string[] {
  return ['-E', '-o', 'id', '-b', String(bufferBytes)];
}
export const EXPECTATION_EVENT_ARGS: readonly string[] = ['-E', 'expect'];
export const FLOW_DUMP_ARGS: readonly string[] = ['-L', '-o', 'id'];
export const EXPECTATION_DUMP_ARGS: readonly string[] = ['-L', 'expect'];

/** How long the first dump starts after the event streams (they give no sign of having subscribed). */
export const SUBSCRIBE_MS = 150;

/**
 * The event streams' options: conntrack's output may hold 32 MB unread
 * (Runner StreamOptions.outputBufferBytes; doubled by the kernel: ~60,000
 * events) instead of ~200 events. A busy event loop here (a resync of a
 * million flows, a long GC) stalled `conntrack -E` on a full pipe; its
 * netlink socket then overflowed within ~50 ms of a 10,000 flows/s burst,
 * and each loss cost a dump of the whole table. (A helper relaying the
 * stream did the same, but took ~15% of a core at 50,000 events a second
 * that the box did not have: bench 15.2.) It runs at the server's own
 * priority: its netlink socket is sized (event-socket.ts), and at nice -5 it
 * took the cores from the server in a 50,000 flows/s burst (15.2c); only
 * where the socket cannot be sized is it raised (UNSIZED_PRIORITY).
 */
export const EVENT_STREAM_OPTIONS: StreamOptions = { outputBufferBytes: 32 * 1024 * 1024 };

/** The nice value of the first flow dump at a server's start (prestartConntrack). */
export const FIRST_DUMP_PRIORITY = -5;

/** The dumps' options: from the streams' helper (dump.ts), `delayMs` after the call, in large writes. */
export function dumpOptions(delayMs: number): StreamOptions {
  return { fromHelper: true, delayMs, writeBlock: DUMP_WRITE_BLOCK };
}

/** conntrack writes a dump in blocks of this size, not 4 KB (Runner StreamOptions.writeBlock). */
const DUMP_WRITE_BLOCK = 1024 * 1024;

/**
 * Starts what ConntrackService.start() will ask for first: the two event
 * streams, then, SUBSCRIBE_MS later, the flow and expectation dumps.
 */
export function prestartConntrack(runner: Runner, eventBufferBytes: number): void {
  prestartStream(runner, 'conntrack', flowEventArgs(eventBufferBytes), EVENT_STREAM_OPTIONS);
  prestartStream(runner, 'conntrack', EXPECTATION_EVENT_ARGS, EVENT_STREAM_OPTIONS);
  // The first page waits for this dump, while the rest of the start-up
  // competes for the cores: it runs at a higher priority where allowed (15.6).
  prestartStream(runner, 'conntrack', FLOW_DUMP_ARGS, { ...dumpOptions(SUBSCRIBE_MS), priority: FIRST_DUMP_PRIORITY });
  prestartStream(runner, 'conntrack', EXPECTATION_DUMP_ARGS, dumpOptions(SUBSCRIBE_MS));
}
