/**
 * The Node flags the server runs with, and whether this process got them.
 * Every launcher passes them: deploy/gatehouse.service, the Dockerfile,
 * `npm start`, the demo (apps/demo lab-panel.ts) and the bench
 * (bench/server.mjs); deploy/test/static.test.ts holds the files to it.
 *
 * --v8-pool-size=0: V8's helper threads (parallel and concurrent GC,
 * background compiling) number the cores less one, where Node's default
 * is 4 on any box. On a 2-core gateway, 4 helpers and the event loop were
 * 5 threads for 2 cores: in a mark-compact's pause the event loop waited
 * on helpers that waited for a core (bench 15.2c, 50,000 flow events a
 * second: the longest event-loop delay passed its 50 ms in 2 of 7 runs
 * with 4 helpers, in 13 of 14 with 1, at 27-45 ms; bench/README.md).
 * On a larger box it gives more helpers than 4, each with a core.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--v8-pool-size=0'];

/** The flags of SERVER_NODE_FLAGS that neither the command line nor NODE_OPTIONS gave this process. */
export function missingNodeFlags(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env.NODE_OPTIONS ?? '',
): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)]);
  return SERVER_NODE_FLAGS.filter((f) => !given.has(f));
}
