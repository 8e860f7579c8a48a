/**
 * Goal 5: live events under a burst. 10,000 new flows per second for 10 s
 * (real UDP flows, see flows.mjs); an SSE client on GET /events counts the
 * `new` flow events it receives for the burst's flows, and a reference
 * `conntrack -E` (the same options as the server's own) running beside it
 * counts the [NEW] lines it prints for them. Figure 5 is the median ratio
 * over several bursts (the table is flushed between bursts).
 *
 * 5b: every loss is reported on the stream and followed by a resync: a burst
 * that lost events must have a `resync` message on the stream, and after it
 * the index must hold what the kernel holds.
 */
import { execFileSync } from 'node:child_process';
import { referenceEvents, settle, sseClient } from './event-clients.mjs';
import { generateFlows, kernelCount, prepareConntrack } from './flows.mjs';
import { median, report } from './lib.mjs';
import { benchModel, startServer } from './server.mjs';

const RATE = 10_000;
const SECONDS = 10;
const BURSTS = Math.max(1, Math.min(5, Math.ceil(Number(process.env.BENCH_RUNS ?? 5) / 2)));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

prepareConntrack();
const srv = await startServer({ port: 18451, model: { ...benchModel([]), table: 'gh_ev' } });
const sse = sseClient(srv);
const ref = referenceEvents();
try {
  while (!sse.state.hello) await sleep(50);
  await sleep(500);
  const ratios = [];
  const details = [];
  let lossesReported = true;
  for (let b = 0; b < BURSTS; b++) {
    const net = 2 + b;
    const prefix = `127.${net}.`;
    sse.state.prefix = prefix;
    sse.state.newEvents = 0;
    sse.state.resyncs = [];
    ref.state.prefix = prefix;
    ref.state.newEvents = 0;
    ref.state.enobufs = 0;
    const sent = await generateFlows(RATE * SECONDS, { rate: RATE, net });
    await settle(() => sse.state.newEvents + ref.state.newEvents * 1e7);
    const ratio = sse.state.newEvents / ref.state.newEvents;
    ratios.push(ratio);
    const lost = ref.state.newEvents - sse.state.newEvents;
    // The index after the burst (and any resync): it must hold what the kernel holds.
    await sleep(1500);
    const index = (await srv.api('GET', '/conntrack/count')).json().count;
    const kernel = kernelCount();
    const resynced = sse.state.resyncs.length > 0;
    if (lost > 0 && !resynced) lossesReported = false;
    if (resynced && Math.abs(index - kernel) > 50) lossesReported = false;
    details.push(
      `burst ${b + 1}: ${(sent.ms / 1000).toFixed(1)} s, SSE ${sse.state.newEvents} / reference ${ref.state.newEvents}` +
        ` (reference ENOBUFS ${ref.state.enobufs}), resync messages ${sse.state.resyncs.length}` +
        `${resynced ? ` [${[...new Set(sse.state.resyncs.map((r) => r.reason))].join(',')}]` : ''}, index ${index} / kernel ${kernel}`,
    );
    // Empty the table for the next burst and let the server digest the flush.
    execFileSync('conntrack', ['-F'], { stdio: 'ignore' });
    await sleep(1000);
    for (let i = 0; i < 100; i++) {
      const c = (await srv.api('GET', '/conntrack/count')).json().count;
      if (c < 100) break;
      await sleep(200);
    }
    await sleep(1000);
  }
  for (const d of details) process.stderr.write(`  5  ${d}\n`);
  report({
    figure: '5 SSE new-flow events / reference conntrack -E, 10k/s 10 s',
    ratio: median(ratios),
    goal: 0.99,
    better: 'higher',
    detail: `median of ${ratios.length} bursts: ${ratios.map((r) => r.toFixed(4)).join(', ')}`,
  });
  report({
    figure: '5b every loss reported on the stream, then a resync',
    ratio: lossesReported ? 1 : 0,
    goal: 1,
    better: 'higher',
    detail: lossesReported
      ? 'yes (index = kernel after each resync)'
      : 'a loss without a resync, or a resync that did not restore the index',
  });
} finally {
  sse.stop();
  ref.stop();
  await srv.stop();
}
