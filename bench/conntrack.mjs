/**
 * Goal 4: the Connections page's server side against the raw conntrack tool,
 * on one real table of 100,000 flows in this namespace (see flows.mjs).
 *
 *   4a  a sorted page of 100 (GET /conntrack?sort=..&limit=100) / `conntrack -L > /dev/null`
 *   4b  a filtered page (port=P) / `conntrack -L -p udp --dport P > /dev/null` (same flows)
 *   4c  GET /conntrack/count / `conntrack -C`
 *   4d  server RSS growth (peak, VmHWM, minus the RSS of the warmed-up server
 *       before the flows existed) / bytes of `conntrack -L`
 *
 * Every page request asks for a different sort (4a) or port (4b), so no
 * answer can come from a cache of an earlier identical request.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateFlows, kernelCount, prepareConntrack } from './flows.mjs';
import { compare, fmtMs, report, timeCommand } from './lib.mjs';
import { benchModel, startServer } from './server.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FLOWS = 100_000;
const WARM_FLOWS = 5_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStatus(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
const mb = (b) => `${(b / 1024 / 1024).toFixed(1)} MB`;

async function timed(fn) {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/**
 * The flows reach the index by the event stream (or a resync after ENOBUFS).
 * The bench's own HTTP connections are a few TCP flows more on either side.
 */
async function waitForIndex(n) {
  for (let i = 0; ; i++) {
    const { count } = (await srv.api('GET', '/conntrack/count')).json();
    const kernel = kernelCount();
    if (count >= n && Math.abs(count - kernel) < 20) return;
    if (i > 600) throw new Error(`the index holds ${count} flows, the kernel ${kernel}`);
    await sleep(100);
  }
}

prepareConntrack();
const srv = await startServer({ port: 18441, model: { ...benchModel([]), table: 'gh_ct' } });
try {
  await sleep(1500);
  const cold = procStatus(srv.pid);
  // Warm-up, so the baseline is a server that has done its work once: a few
  // thousand flows through the event path and a resync, then flushed, and a
  // few hundred page requests. A process that has just started has not yet
  // touched its young generation (V8 reserves it at start and the pages
  // become resident as the first ~32 MB are allocated): counted from cold,
  // that is ~20 MB of "growth" any request traffic brings, flows or not.
  await generateFlows(WARM_FLOWS);
  await waitForIndex(WARM_FLOWS);
  execFileSync('conntrack', ['-F'], { stdio: 'ignore' });
  for (let i = 0; i < 300; i++) await srv.api('GET', `/conntrack?sort=sport&order=${i % 2 ? 'asc' : 'desc'}&limit=100`);
  for (let i = 0; ; i++) {
    if ((await srv.api('GET', '/conntrack/count')).json().count < 50) break;
    if (i > 300) throw new Error('the index did not empty after conntrack -F');
    await sleep(100);
  }
  await sleep(1000);
  const before = procStatus(srv.pid);
  // Resets VmHWM to the current RSS (proc(5), clear_refs "5"): the peak from
  // here on is the peak of this work, not of the server's start.
  writeFileSync(`/proc/${srv.pid}/clear_refs`, '5');
  await generateFlows(FLOWS);
  await waitForIndex(FLOWS);
  const dumpBytes = execFileSync('conntrack', ['-L'], {
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  }).length;

  const sorts = ['timeout', 'src', 'dst', 'sport', 'dport', 'id', 'protocol', 'state', 'mark', 'helper'].flatMap(
    (s) => [`sort=${s}&order=desc`, `sort=${s}&order=asc`],
  );
  let si = 0;
  const page = await compare(
    () =>
      timed(async () => {
        const p = (await srv.api('GET', `/conntrack?${sorts[si++ % sorts.length]}&limit=100`)).json();
        if (p.items.length !== 100 || p.total < FLOWS) throw new Error(`page of ${p.items.length}/${p.total}`);
      }),
    () => timeCommand('conntrack', ['-L']),
    Math.max(RUNS * 2 + 1, 9),
  );
  report({
    figure: '4a sorted page of 100 / conntrack -L, 100k flows (p50)',
    ratio: page.ratio,
    goal: 1.5,
    better: 'lower',
    detail: `${fmtMs(page.a)} vs ${fmtMs(page.b)}`,
  });

  const port = 10400;
  let pa = port;
  let pb = port;
  const filtered = await compare(
    () =>
      timed(async () => {
        const p = (await srv.api('GET', `/conntrack?port=${pa++}&sort=timeout&order=desc&limit=100`)).json();
        if (p.total !== 2) throw new Error(`port filter: ${p.total} flows, expected 2`);
      }),
    () => timeCommand('conntrack', ['-L', '-p', 'udp', '--dport', String(pb++)]),
    Math.max(RUNS * 2 + 1, 9),
  );
  const raw = execFileSync('conntrack', ['-L', '-p', 'udp', '--dport', String(port)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim()
    .split('\n').length;
  if (raw !== 2) throw new Error(`conntrack -L --dport ${port}: ${raw} flows, expected 2`);
  report({
    figure: '4b filtered page (port) / conntrack -L --dport, 100k flows',
    ratio: filtered.ratio,
    goal: 1.3,
    better: 'lower',
    detail: `${fmtMs(filtered.a)} vs ${fmtMs(filtered.b)}`,
  });

  const count = await compare(
    () =>
      timed(async () => {
        const { count } = (await srv.api('GET', '/conntrack/count')).json();
        if (count < FLOWS) throw new Error(`count ${count}`);
      }),
    () => timeCommand('conntrack', ['-C']),
    Math.max(RUNS * 4 + 1, 21),
  );
  report({
    figure: '4c GET /conntrack/count / conntrack -C, 100k flows',
    ratio: count.ratio,
    goal: 2,
    better: 'lower',
    detail: `${fmtMs(count.a)} vs ${fmtMs(count.b)}`,
  });

  const after = procStatus(srv.pid);
  const growth = after.hwm - before.rss;
  report({
    figure: '4d server RSS growth (peak) / conntrack -L dump bytes',
    ratio: growth / dumpBytes,
    goal: 2,
    better: 'lower',
    detail:
      `${mb(growth)} vs ${mb(dumpBytes)} (RSS ${mb(before.rss)} before, ${mb(after.rss)} after, peak ${mb(after.hwm)};` +
      ` ${mb(cold.rss)} just after start, so ${mb(after.hwm - cold.rss)} from cold)`,
  });
} finally {
  await srv.stop();
}
