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
 * socket, not on the one the events come in by, which keeps the default
 * (212 KB): EVENT_STREAM_OPTIONS is what keeps the events from being lost.
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
 * The event streams' options: from a helper that reads them as they come
 * and holds what this process has not read (Runner StreamOptions.endless),
 * scheduled as real-time where allowed, else at nice -5 (StreamOptions
 * .realtime). A busy event loop here (a resync of a million flows, a long
 * GC) stalled `conntrack -E` on a full pipe, and a busy box kept it from
 * running; either way its socket overflowed within ~50 ms of a 10,000
 * flows/s burst, and each loss cost a dump of the whole table.
 */
export const EVENT_STREAM_OPTIONS: StreamOptions = { fromHelper: true, endless: true, priority: -5, realtime: true };

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
