/**
 * Probe for 15.6 (not a figure): how long `conntrack -L -o id` of 1M flows
 * takes into /dev/null, into a file on /dev/shm, into a FIFO and into the
 * socket pair Node gives a child's stdout (both read by this process),
 * through the streams' helper (Runner.stream fromHelper), and through it
 * with 1 MB writes (`stdbuf -o 1M`), three rounds alternating. Makes its own flows, so run it as root inside a
 * namespace of its own, with run.mjs's rule for the host-wide limits
 * (conntrack-limits.mjs):
 *
 *   ip netns add gh-probe && ip -n gh-probe link set lo up
 *   BENCH_HOST_NETNS_PID=$$ ip netns exec gh-probe node bench/dump-pipe-probe.mjs
 *   ip netns del gh-probe
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, unlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { createRunner } from '../packages/rules/dist/index.js';
import { raiseConntrackLimits } from './conntrack-limits.mjs';
import { generateFlows, prepareConntrack } from './flows.mjs';

const restore = raiseConntrackLimits({ max: 1_200_000, buckets: 2 ** 20 });
const runner = createRunner();
const t = () => performance.now();
const devnull = () =>
  new Promise((r) => {
    const s = t();
    const c = spawn('conntrack', ['-L', '-o', 'id'], { stdio: ['ignore', openSync('/dev/null', 'w'), 'ignore'] });
    c.on('close', () => r(t() - s));
  });
const piped = () =>
  new Promise((r) => {
    const s = t();
    const c = spawn('conntrack', ['-L', '-o', 'id'], { stdio: ['ignore', 'pipe', 'ignore'] });
    c.stdout.on('data', () => {});
    c.on('close', () => r(t() - s));
  });
const shm = () =>
  new Promise((r) => {
    const s = t();
    const path = `/dev/shm/gh-probe-${process.pid}`;
    const fd = openSync(path, 'w+');
    unlinkSync(path);
    const c = spawn('conntrack', ['-L', '-o', 'id'], { stdio: ['ignore', fd, 'ignore'] });
    c.on('close', () => {
      const n = fstatSync(fd).size;
      closeSync(fd);
      r([t() - s, n]);
    });
  });
/** A real pipe (a FIFO) instead of the socket pair Node gives a child's stdout. */
const fifo = () =>
  new Promise((r) => {
    const s = t();
    const path = `/tmp/gh-probe-fifo-${process.pid}`;
    execFileSync('mkfifo', [path]);
    const rd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const wr = openSync(path, 'w');
    unlinkSync(path);
    const c = spawn('conntrack', ['-L', '-o', 'id'], { stdio: ['ignore', wr, 'ignore'] });
    closeSync(wr);
    const sock = new Socket({ fd: rd, readable: true, writable: false });
    sock.on('data', () => {});
    let n = 0;
    const end = () => ++n === 2 && r(t() - s);
    sock.on('end', end);
    c.on('close', end);
  });
const stdbufHelped = async () => {
  const s = t();
  await runner.stream(
    'stdbuf',
    ['-o', '1M', 'conntrack', '-L', '-o', 'id'],
    { onLine() {}, onChunk() {} },
    { fromHelper: true },
  ).done;
  return t() - s;
};
const helped = async () => {
  const s = t();
  await runner.stream('conntrack', ['-L', '-o', 'id'], { onLine() {}, onChunk() {} }, { fromHelper: true }).done;
  return t() - s;
};
try {
  prepareConntrack();
  await generateFlows(1_000_000);
  const rows = { devnull: [], shm: [], fifo: [], piped: [], helped: [], stdbufHelped: [] };
  for (let i = 0; i < 3; i++)
    for (const [k, f] of Object.entries({ devnull, shm, fifo, piped, helped, stdbufHelped }))
      rows[k].push(String(await f()));
  console.log(JSON.stringify(rows));
} finally {
  restore();
}
