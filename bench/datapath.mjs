/**
 * Issue #15 goal 4: what the generated ruleset costs the data path, with
 * real traffic through real lab gateways (client -> gateway -> server, the
 * three namespaces of @gatehouse/lab, removed at the end, also on failure).
 *
 * - 15.4a new flows/s through one forward with 100,000 forwards loaded / with 1;
 * - 15.4b the same at 10,000 forwards: generated ruleset / one rule per forward;
 * - 15.4c bulk throughput of a passive FTP download (curl <- vsftpd) with the
 *   helper, passive-only and filter policy drop / through a minimal ruleset.
 *
 * Two identical labs, A and B: each figure loads its two rulesets, one into
 * each lab's gateway, and alternates short samples between the labs (ABBA
 * order, so a trend in the box's load hits both alike; the labs swap
 * rulesets halfway), and quotes the median of the pairwise ratios. New
 * flows come from flow-client.mjs (UDP, one source port per flow, answered
 * by udp-echo.mjs on the server); the gateway's conntrack table is flushed
 * before every sample.
 */
import { readFileSync } from 'node:fs';
import { truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createLab } from '../packages/lab/dist/index.js';
import {
  ECHO_PORT,
  ftpFullScript,
  ftpMinimalScript,
  generatedScript,
  rulePerForwardScript,
} from './datapath-rulesets.mjs';
import { median, report } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const here = new URL('.', import.meta.url).pathname;
const FLOWS_PER_SAMPLE = Number(process.env.BENCH_FLOWS ?? 6000);
const WINDOW = 64;
const FILE_MB = Number(process.env.BENCH_FTP_MB ?? 1024);
const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
const fmtRange = (xs) => `${Math.min(...xs).toFixed(3)}-${Math.max(...xs).toFixed(3)}`;

/** A line-oriented child: send a JSON command, read one JSON answer. */
function jsonLines(child) {
  const waiting = [];
  createInterface({ input: child.stdout }).on('line', (line) => waiting.shift()?.(line));
  return {
    next: () => new Promise((resolve) => waiting.push(resolve)),
    async ask(cmd) {
      const answer = this.next();
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      return JSON.parse(await answer);
    },
  };
}

/** One lab with its echo responder, flow client and a large file in vsftpd's root. */
async function side(lab) {
  const echo = lab.spawn('server', process.execPath, [join(here, 'udp-echo.mjs'), lab.addr.server, String(ECHO_PORT)], {
    stdin: 'ignore',
  });
  await jsonLines(echo).next();
  const client = jsonLines(lab.spawn('client', process.execPath, [join(here, 'flow-client.mjs')], { stdin: 'pipe' }));
  // Sparse: only the page cache holds it, once read.
  const file = join(lab.dir, 'ftp-root', 'big.bin');
  await writeFile(file, '', { mode: 0o644 });
  await truncate(file, FILE_MB << 20);
  return {
    load: (script) => lab.exec('gateway', 'nft', ['-f', '-'], { input: script, timeoutMs: 120_000 }),
    /** New flows per second through the loaded ruleset, after a conntrack flush. */
    async flows() {
      await lab.exec('gateway', 'conntrack', ['-F'], { reject: false });
      const r = await client.ask({ n: FLOWS_PER_SAMPLE, window: WINDOW, host: lab.addr.gatewayWan, port: ECHO_PORT });
      if (r.flows < FLOWS_PER_SAMPLE * 0.99) throw new Error(`only ${r.flows} of ${FLOWS_PER_SAMPLE} flows answered`);
      return { value: (r.flows / r.ms) * 1000, lost: r.lost, cpu: r.cpuUsPerFlow };
    },
    /** Bytes/s of a passive FTP download through the gateway (the data connection only). */
    async download() {
      const r = await lab.exec(
        'client',
        'curl',
        [
          '-sS',
          '--ftp-pasv',
          '-o',
          '/dev/null',
          '-w',
          '%{size_download} %{time_pretransfer} %{time_total}',
          `ftp://${lab.addr.gatewayWan}/big.bin`,
        ],
        { timeoutMs: 120_000 },
      );
      const [size, pre, total] = r.stdout.trim().split(' ').map(Number);
      if (size !== FILE_MB << 20) throw new Error(`FTP download got ${size} bytes: ${r.stderr}`);
      return { value: size / (total - pre) };
    },
  };
}

/**
 * Loads script a into lab A and b into lab B, then alternates `sample`
 * between them, ABBA; halfway the labs swap rulesets, so that any difference
 * between the two labs falls on both sides alike.
 */
async function alternate(A, B, scriptA, scriptB, sample, pairs) {
  const as = [];
  const bs = [];
  const ratios = [];
  const loads = [];
  for (const [onA, onB, half] of [
    [A, B, Math.ceil(pairs / 2)],
    [B, A, Math.floor(pairs / 2)],
  ]) {
    await onA.load(scriptA);
    await onB.load(scriptB);
    await sample(onA);
    await sample(onB); // warm-up
    loads.push(loadavg());
    for (let i = 0; i < half; i++) {
      let a;
      let b;
      if (i % 2 === 0) {
        a = await sample(onA);
        b = await sample(onB);
      } else {
        b = await sample(onB);
        a = await sample(onA);
      }
      as.push(a);
      bs.push(b);
      ratios.push(a.value / b.value);
    }
  }
  loads.push(loadavg());
  const m = (xs) => median(xs.map((x) => x.value));
  return { ratio: median(ratios), a: m(as), b: m(bs), as, bs, ratios, loads };
}

function flowDetail(r) {
  const all = [...r.as, ...r.bs];
  const lost = all.reduce((n, x) => n + x.lost, 0);
  const cpu = median(all.map((x) => x.cpu));
  return `${Math.round(r.a)} vs ${Math.round(r.b)} flows/s; pairs ${fmtRange(r.ratios)}; client process ${cpu.toFixed(0)} us CPU/flow; ${lost} lost; load ${r.loads.join(' ')}`;
}

async function main(A, B) {
  const pairs = RUNS * 4;
  const flows = (s) => s.flows();
  const r1 = await alternate(A, B, generatedScript(100_000), generatedScript(1), flows, pairs);
  report({
    figure: '15.4a new flows/s, 100k forwards / 1 forward',
    ratio: r1.ratio,
    goal: 0.95,
    better: 'higher',
    detail: flowDetail(r1),
  });

  const r2 = await alternate(A, B, generatedScript(10_000), rulePerForwardScript(10_000), flows, pairs);
  report({
    figure: '15.4b new flows/s, 10k: generated / one rule per forward',
    ratio: r2.ratio,
    goal: 2,
    better: 'higher',
    detail: flowDetail(r2),
  });

  const r3 = await alternate(A, B, ftpFullScript(), ftpMinimalScript(), (s) => s.download(), RUNS * 6);
  const gbit = (x) => `${((x * 8) / 1e9).toFixed(2)} Gbit/s`;
  report({
    figure: '15.4c FTP bulk, helper+passive-only+drop / minimal',
    ratio: r3.ratio,
    goal: 0.97,
    better: 'higher',
    detail: `${gbit(r3.a)} vs ${gbit(r3.b)} (${FILE_MB} MiB, passive); pairs ${fmtRange(r3.ratios)}; load ${r3.loads.join(' ')}`,
  });
}

const started = performance.now();
const labs = [];
try {
  labs.push(await createLab({ ftpPorts: [21] }));
  labs.push(await createLab({ ftpPorts: [21] }));
  await main(await side(labs[0]), await side(labs[1]));
} finally {
  for (const lab of labs) await lab.destroy();
}
process.stderr.write(`datapath: ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
