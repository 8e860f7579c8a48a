/**
 * Real conntrack entries, fast: a child process sends one UDP datagram per
 * flow over loopback in the namespace the bench runs in, from a few source
 * addresses (127.<net>.<i>.1) to 50,000 destination ports of 127.0.0.1. Each
 * distinct 5-tuple is one kernel flow (created on output); an input rule
 * drops the datagrams, so no ICMP errors are sent and nothing listens.
 * `conntrack -I` is one process per flow and far too slow for 100,000.
 *
 * prepareConntrack() makes the namespace track (a `ct state` rule) and keeps
 * unreplied UDP flows for an hour so the table holds still while measured.
 */
import { execFileSync, spawn } from 'node:child_process';
import { assertOwnNetns } from './lib.mjs';

// Before a group that imports this raises a limit or flushes a table.
assertOwnNetns();

const PORT_LO = 10000;
const PORTS = 50000;

export function prepareConntrack() {
  const script = `table inet gh_bench {
  chain output {
    type filter hook output priority 0; policy accept;
    ct state new counter
  }
  chain input {
    type filter hook input priority 0; policy accept;
    ip daddr 127.0.0.1 udp dport ${PORT_LO}-${PORT_LO + PORTS - 1} drop
  }
}
`;
  execFileSync('nft', ['-f', '-'], { input: script });
  execFileSync('sysctl', ['-qw', 'net.netfilter.nf_conntrack_udp_timeout=3600']);
  execFileSync('sysctl', ['-qw', 'net.netfilter.nf_conntrack_udp_timeout_stream=3600']);
}

const CHILD = String.raw`
const dgram = require('node:dgram');
const [count, rate, net] = process.argv.slice(1).map(Number);
const PORT_LO = ${PORT_LO}, PORTS = ${PORTS};
const payload = Buffer.from('x');
function bound(i) {
  const s = dgram.createSocket('udp4');
  return new Promise((r, j) => { s.once('error', j); s.bind({ address: '127.' + net + '.' + (i + 1) + '.1', port: 0 }, () => r(s)); });
}
function send(s, port) {
  return new Promise((r, j) => s.send(payload, port, '127.0.0.1', (e) => (e ? j(e) : r())));
}
async function run(sockets) {
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const chunk = 100;
  for (let n = 0; n < count; ) {
    const upto = Math.min(count, n + chunk);
    const sends = [];
    for (; n < upto; n++) sends.push(send(sockets[Math.floor(n / PORTS)], PORT_LO + (n % PORTS)));
    await Promise.all(sends);
    if (rate > 0) {
      const due = started + (n / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  const ms = performance.now() - started;
  for (const s of sockets) s.close();
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(JSON.stringify({ sent: count, ms, cpuMs: (cpu.user + cpu.system) / 1000 }) + '\n');
}
(async () => {
  const sockets = await Promise.all(Array.from({ length: Math.ceil(count / PORTS) }, (_, i) => bound(i)));
  process.stdout.write('ready\n');
  process.stdin.once('data', () => run(sockets).catch((e) => { console.error(e); process.exit(1); }));
})().catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Starts a generator of `count` new flows, `rate` per second (0: as fast as
 * possible), from 127.<net>.*.1: a Node process, started and its sockets
 * bound before anything is sent, so a measurement timed around `go()` does
 * not hold the process's start-up. `go()` resolves with {sent, ms, cpuMs}
 * when the last datagram is out (cpuMs: the generator's CPU time while
 * sending, the kernel's work on its sends included).
 */
export function prepareFlows(count, { rate = 0, net = 1 } = {}) {
  return new Promise((ready, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, String(count), String(rate), String(net)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    let sent;
    const done = new Promise((resolve, fail) => {
      sent = { resolve, fail };
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      out += d;
      if (out.startsWith('ready\n')) {
        out = out.slice(6);
        ready({
          go: () => {
            child.stdin.end('go\n');
            return done;
          },
        });
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) sent.resolve(JSON.parse(out));
      else {
        const err = new Error(`flow generator exited ${code}`);
        reject(err);
        sent.fail(err);
      }
    });
  });
}

/** prepareFlows, then go: resolves with {sent, ms, cpuMs} when the last datagram is out. */
export async function generateFlows(count, options = {}) {
  return (await prepareFlows(count, options)).go();
}

/** The kernel's flow count in this namespace. */
export const kernelCount = () => Number(execFileSync('conntrack', ['-C']).toString().trim());
