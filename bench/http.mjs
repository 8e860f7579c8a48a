/**
 * Goal 6: requests per second of the real page route, cached (the same
 * GET /conntrack?limit=100 again and again over a 100,000-flow index, with a
 * bearer token), against a minimal Fastify app in this process returning a
 * JSON body of the same size. Both are loaded by autocannon run as a
 * separate process (so the load generator does not share the minimal app's
 * event loop), alternating, with the same connections and duration.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import Fastify from 'fastify';
import { generateFlows, kernelCount, prepareConntrack } from './flows.mjs';
import { compare, report } from './lib.mjs';
import { benchModel, startServer } from './server.mjs';

const RUNS = Math.max(3, Math.ceil(Number(process.env.BENCH_RUNS ?? 5) / 2 + 0.5));
const SECONDS = 4;
const CONNECTIONS = 10;
const FLOWS = 100_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

function autocannon(url, headers) {
  const args = [autocannonBin, '--json', '-c', String(CONNECTIONS), '-d', String(SECONDS)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      const r = JSON.parse(out);
      if (r.non2xx > 0 || r.errors > 0) return reject(new Error(`autocannon: ${r.non2xx} non-2xx, ${r.errors} errors`));
      resolve(r);
    });
  });
}

prepareConntrack();
const srv = await startServer({ port: 18461, model: { ...benchModel([]), table: 'gh_http' } });
const minimal = Fastify({ logger: false });
try {
  await generateFlows(FLOWS);
  for (let i = 0; ; i++) {
    const { count } = (await srv.api('GET', '/conntrack/count')).json();
    if (Math.abs(count - kernelCount()) < 50 && count > FLOWS * 0.99) break;
    if (i > 600) throw new Error(`the index holds ${count} flows`);
    await sleep(100);
  }
  const path = '/conntrack?limit=100';
  const sample = await srv.api('GET', path);
  const body = sample.json();
  const bytes = Buffer.byteLength(sample.text);
  minimal.get('/page', async () => body);
  await minimal.listen({ host: '127.0.0.1', port: 18462 });
  const check = await fetch('http://127.0.0.1:18462/page').then((r) => r.text());
  if (Math.abs(Buffer.byteLength(check) - bytes) > 64) throw new Error('the minimal body differs in size');
  const rps = { real: [], minimal: [] };
  const r = await compare(
    async () => {
      const x = await autocannon(`${srv.base}${path}`, srv.auth);
      rps.real.push(x.requests.average);
      return x.requests.average;
    },
    async () => {
      const x = await autocannon('http://127.0.0.1:18462/page', {});
      rps.minimal.push(x.requests.average);
      return x.requests.average;
    },
    RUNS,
  );
  report({
    figure: '6 req/s cached 100-row page / minimal Fastify, same body',
    ratio: r.ratio,
    goal: 0.5,
    better: 'higher',
    detail: `${Math.round(r.a)} vs ${Math.round(r.b)} req/s (${(bytes / 1024).toFixed(1)} KiB body, ${CONNECTIONS} connections, ${SECONDS} s x ${RUNS})`,
  });
} finally {
  await minimal.close();
  await srv.stop();
}
