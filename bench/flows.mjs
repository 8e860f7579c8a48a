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
const sockets = [];
async function socketFor(i) {
  if (sockets[i]) return sockets[i];
  const s = dgram.createSocket('udp4');
  sockets[i] = new Promise((r, j) => { s.once('error', j); s.bind({ address: '127.' + net + '.' + (i + 1) + '.1', port: 0 }, () => r(s)); });
  return sockets[i];
}
function send(s, port) {
  return new Promise((r, j) => s.send(payload, port, '127.0.0.1', (e) => (e ? j(e) : r())));
}
(async () => {
  const started = performance.now();
  const chunk = 100;
  for (let n = 0; n < count; ) {
    const upto = Math.min(count, n + chunk);
    const sends = [];
    for (; n < upto; n++) {
      const port = PORT_LO + (n % PORTS);
      sends.push(socketFor(Math.floor(n / PORTS)).then((s) => send(s, port)));
    }
    await Promise.all(sends);
    if (rate > 0) {
      const due = started + (n / rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  }
  for (const s of sockets) (await s).close();
  process.stdout.write(JSON.stringify({ sent: count, ms: performance.now() - started }) + '\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

/**
 * Sends `count` new flows, `rate` per second (0: as fast as possible), from
 * 127.<net>.*.1; resolves with {sent, ms} when the last datagram is out.
 */
export function generateFlows(count, { rate = 0, net = 1 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', CHILD, String(count), String(rate), String(net)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`flow generator exited ${code}`)),
    );
  });
}

/** The kernel's flow count in this namespace. */
export const kernelCount = () => Number(execFileSync('conntrack', ['-C']).toString().trim());
