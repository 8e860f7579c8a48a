/**
 * Where a whole apply's time goes (issue #15 goal 5): the built server with
 * n forwards in this namespace, its log at debug level (each nft call with
 * its duration, each request with its response time), a number of
 * save-then-apply rounds, and the split printed: request total, nft as the
 * runner saw it (spawn to exit), and the rest. With BENCH_CPU_PROF=DIR the
 * server also writes a V8 CPU profile there.
 *
 *   ip netns exec NS node bench/apply-profile.mjs [forwards=10000] [rounds=15]
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, GatewayModel } from '../packages/rules/dist/index.js';
import { fmtMs, median, timeCommand } from './lib.mjs';
import { benchForwards, benchModel, startServer } from './server.mjs';

const n = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 15);
const table = `gh_prof${n}`;
const logFile = join(tmpdir(), `gh-apply-profile-${process.pid}.log`);
const prof = process.env.BENCH_CPU_PROF;
const forwards = benchForwards(n);
const srv = await startServer({
  port: 18790,
  model: { ...benchModel([]), table },
  env: { GATEHOUSE_LOG_LEVEL: 'debug' },
  nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
  stdoutFile: logFile,
});
const http = [];
const raw = [];
const ping = [];
try {
  let version = Number((await srv.api('GET', '/config')).headers.get('etag').replace(/\D/g, ''));
  for (let i = 0; i < rounds; i++) {
    forwards[0].name = `forward 0 round ${i}`;
    const model = { ...benchModel(forwards), table };
    const r = await srv.api('PUT', '/config', model, { 'if-match': `"v${version}"` });
    version = Number(r.headers.get('etag').replace(/\D/g, ''));
    const script = compile(GatewayModel.parse(model));
    await new Promise((res) => setTimeout(res, 500));
    // The HTTP round trip alone, for the split: an authenticated GET that does no work.
    const p = performance.now();
    await srv.api('GET', '/health');
    ping.push(performance.now() - p);
    const t = performance.now();
    await srv.api('POST', '/apply', {});
    http.push(performance.now() - t);
    raw.push(await timeCommand('nft', ['-f', '-'], { input: script }));
  }
} finally {
  await srv.stop();
}
const lines = readFileSync(logFile, 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const nftMs = lines.filter((l) => l.msg === 'command' && /^nft -f/.test(l.cmd)).map((l) => l.ms);
// Fastify logs the URL on the incoming line and the time on the completed one: joined by reqId.
const applyIds = new Set(
  lines.filter((l) => l.msg === 'incoming request' && /\/apply$/.test(l.req?.url ?? '')).map((l) => l.reqId),
);
const applyReq = lines.filter((l) => l.msg === 'request completed' && applyIds.has(l.reqId)).map((l) => l.responseTime);
const m = (xs) => (xs.length ? fmtMs(median(xs)) : 'n/a');
process.stdout.write(
  `${n} forwards, ${rounds} rounds (medians): client-side POST /apply ${m(http)}; server responseTime ${m(applyReq)}; ` +
    `nft -f in the runner ${m(nftMs)}; raw nft -f ${m(raw)}\n`,
);
process.stdout.write(`an authenticated GET /health, the HTTP round trip alone: ${m(ping)}\n`);
const round = (xs, i) => (xs[i] === undefined ? '-' : xs[i].toFixed(1));
for (let i = 0; i < rounds; i++)
  process.stdout.write(
    `  round ${i}: client ${round(http, i)}, server ${round(applyReq, i)}, nft ${round(nftMs, i)}, raw ${round(raw, i)}\n`,
  );
process.stdout.write(`log: ${logFile}\n`);
