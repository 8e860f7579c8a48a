/**
 * What the Connections page's main thread does while a burst of new flows
 * streams in and the table scrolls (the work behind 15.3c): a CDP trace of
 * the run, its main-thread tasks longer than 2 ms by kind, the frames that
 * started late and which task ran before each, and a JS profile's top
 * functions by self time.
 *
 *   ip netns add gh-probe && ip -n gh-probe link set lo up
 *   ip netns exec gh-probe node bench/ui-burst-probe.mjs [flows=100000] [rate=10000]
 *   ip netns del gh-probe
 *
 * PROBE_ROUNDS (2): bursts, each on a freshly loaded page. PROBE_NOPROF=1:
 * no trace or profile, only each round's p95 and the server's resyncs
 * before and after (a resync there means events were lost). PROBE_SAVE=
 * PREFIX: the trace and the profile written to PREFIX-N.trace.json and
 * .cpuprofile. PROBE_LOG=FILE: the server's log.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { raiseConntrackLimits } from './conntrack-limits.mjs';
import { generateFlows, prepareConntrack } from './flows.mjs';
import { percentile } from './lib.mjs';
import { benchModel, startServer } from './server.mjs';
import { endTrace, loadConnections, openBrowser, scrollRun } from './ui-page.mjs';

const FLOWS = Number(process.argv[2] ?? 100_000);
const RATE = Number(process.argv[3] ?? 10_000);
const PORT = 18473;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const restore = raiseConntrackLimits({ max: Math.ceil(FLOWS * 1.2) + 100_000, buckets: 2 ** 20 });
let srv;
let browser;
try {
  prepareConntrack();
  execFileSync('conntrack', ['-F'], { stdio: 'ignore' });
  srv = await startServer({
    port: PORT,
    model: { ...benchModel([]), table: 'gh_probe' },
    stdoutFile: process.env.PROBE_LOG,
  });
  await generateFlows(FLOWS);
  for (let i = 0; i < 400; i++) {
    if ((await srv.api('GET', '/conntrack/count')).json().count >= FLOWS * 0.99) break;
    await sleep(250);
  }
  await sleep(3000);
  const base = `http://127.0.0.1:${PORT}`;
  const opened = await openBrowser(base);
  browser = opened.browser;
  const page = opened.page;
  for (let round = 0; round < Number(process.env.PROBE_ROUNDS ?? 2); round++) {
    await loadConnections(page, base, FLOWS, 1000);
    await sleep(500);
    const before = (await srv.api('GET', '/status')).json().conntrack;
    const gen = generateFlows(RATE * 4.5, { rate: RATE, net: 60 + round });
    await sleep(700);
    if (process.env.PROBE_NOPROF) {
      const run = await scrollRun(page, { stepRows: 10, ms: 3000, rows: 0 });
      await gen;
      await sleep(1000);
      const after = (await srv.api('GET', '/status')).json().conntrack;
      console.log(
        `round ${round}: p95 ${percentile(run.work, 95).toFixed(1)} ms; resyncs ${before.resyncs} -> ${after.resyncs}`,
      );
      continue;
    }
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,disabled-by-default-devtools.timeline,benchmark,toplevel',
      transferMode: 'ReturnAsStream',
    });
    await cdp.send('Profiler.start');
    const run = await scrollRun(page, { stepRows: 10, ms: 3000, rows: 0 });
    const { profile } = await cdp.send('Profiler.stop');
    const text = await endTrace(cdp);
    await cdp.detach();
    await gen;
    await sleep(1000);
    const after = (await srv.api('GET', '/status')).json().conntrack;
    console.log(`conntrack status before: ${JSON.stringify(before)}\nafter: ${JSON.stringify(after)}`);
    if (process.env.PROBE_SAVE) {
      writeFileSync(`${process.env.PROBE_SAVE}-${round}.trace.json`, text);
      writeFileSync(`${process.env.PROBE_SAVE}-${round}.cpuprofile`, JSON.stringify(profile));
    }
    summarize(round, run, JSON.parse(text).traceEvents, profile);
  }
} finally {
  await browser?.close();
  await srv?.stop();
  execFileSync('conntrack', ['-F'], { stdio: 'ignore' });
  restore();
}

function summarize(round, run, events, profile) {
  const p95 = percentile(run.work, 95);
  console.log(
    `\nround ${round}: p95 ${p95.toFixed(1)} ms, p50 ${percentile(run.work, 50).toFixed(1)}, frames ${run.work.length}`,
  );
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}/${e.tid}`),
  );
  const onMain = events.filter((e) => main.has(`${e.pid}/${e.tid}`) && e.ph === 'X');
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  // What each task contains: its first child event of a known kind.
  const kinds = [
    'EventDispatch',
    'TimerFire',
    'FunctionCall',
    'FireIdleCallback',
    'FireAnimationFrame',
    'ProxyMain::BeginMainFrame',
    'ParseHTML',
    'v8.callFunction',
    'XHRReadyStateChange',
    'UpdateLayoutTree',
    'Layout',
    'Paint',
    'MajorGC',
    'MinorGC',
    'V8.GC_SCAVENGER',
  ];
  const label = (t) => {
    const inner = onMain.filter(
      (e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && kinds.includes(e.name),
    );
    const names = [...new Set(inner.map((e) => (e.name === 'EventDispatch' ? `Event:${e.args?.data?.type}` : e.name)))];
    return names.slice(0, 4).join('+') || 'other';
  };
  const long = tasks.filter((t) => t.dur > 2000);
  const byKind = new Map();
  for (const t of long) {
    const k = label(t);
    const v = byKind.get(k) ?? { n: 0, ms: 0, max: 0 };
    v.n++;
    v.ms += t.dur / 1000;
    v.max = Math.max(v.max, t.dur / 1000);
    byKind.set(k, v);
  }
  // The longest tasks that are not a frame: the events inside them by total time.
  const notFrame = long.filter((t) => !label(t).startsWith('ProxyMain')).sort((a, b) => b.dur - a.dur);
  console.log('longest tasks that are not a frame, with what ran in them (ms):');
  for (const t of notFrame.slice(0, 8)) {
    const inner = new Map();
    for (const e of onMain)
      if (e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= t.ts + t.dur && e.dur > 300)
        inner.set(e.name, (inner.get(e.name) ?? 0) + e.dur / 1000);
    const list = [...inner]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([n, ms]) => `${n} ${ms.toFixed(1)}`);
    console.log(`  ${(t.dur / 1000).toFixed(1)}: ${list.join(', ')}`);
  }
  console.log('tasks > 2 ms on the main thread, by what they contain:');
  for (const [k, v] of [...byKind].sort((a, b) => b[1].ms - a[1].ms))
    console.log(
      `  ${v.n.toString().padStart(4)}  ${v.ms.toFixed(1).padStart(7)} ms  max ${v.max.toFixed(1).padStart(5)}  ${k}`,
    );
  // JS self time.
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const n = nodes.get(profile.samples[i]);
    const f = n.callFrame;
    const key = `${f.functionName || '(anon)'} ${f.url.split('/').pop()}:${f.lineNumber}:${f.columnNumber}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i] ?? 0) / 1000);
  }
  console.log('JS self time (ms):');
  for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`  ${ms.toFixed(1).padStart(7)}  ${k}`);
}
