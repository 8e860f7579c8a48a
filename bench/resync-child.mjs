/**
 * The server's own ConntrackService (apps/server/dist), alone in a process,
 * resynchronising from the real kernel table of the namespace it runs in:
 * what figure 15.1d times against the raw dump, and 15.1f watches the
 * memory of across ten resyncs. No event streams are started (start() is
 * not called), so only the dump into the index is measured.
 *
 * Protocol: one line on stdin ("resync") -> one JSON line on stdout
 * ({flows, rss, heap} after the resync; heap after a full GC).
 */
import { createInterface } from 'node:readline';
import { createRunner } from '@gatehouse/rules';

const { ConntrackService } = await import(new URL('../apps/server/dist/conntrack/service.js', import.meta.url));

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const hub = { publish() {}, flow() {}, expectation() {} };
const svc = new ConntrackService(createRunner(), hub, quiet, { eventBufferBytes: 1 << 20 });
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line !== 'resync') continue;
  await svc.resync('bench');
  const flows = svc.table.flows.size;
  global.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ flows, rss: m.rss, heap: m.heapUsed + m.arrayBuffers })}\n`);
}
