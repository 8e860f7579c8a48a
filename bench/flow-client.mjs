/**
 * The connection-rate client of the data-path bench (datapath.mjs): runs in
 * the lab's client namespace and makes new flows through the gateway as
 * cheaply as a process can. Each flow is one UDP datagram from its own
 * source port (one pre-bound socket per flow) to the forwarded port, answered
 * by udp-echo.mjs on the server: a new conntrack entry, one DNAT lookup and
 * one masquerade on the gateway for 2 packets, where a TCP connect would add
 * a socket, a handshake and a teardown (4 packets) per flow on both ends.
 *
 * The sockets are bound once and reused: between rounds the caller flushes
 * the gateway's conntrack table, so the same source ports are new flows
 * again. A window of datagrams is kept in flight; each reply sends the next.
 * The client's own CPU time per flow is reported beside the rate.
 *
 * Commands on stdin, one JSON line each: {"n":4000,"window":64,"host":"192.0.2.2","port":7}
 * Answers on stdout: {"flows":4000,"lost":0,"ms":201.3,"cpuUsPerFlow":9.1}
 */
import dgram from 'node:dgram';
import { createInterface } from 'node:readline';

const sockets = [];
const payload = Buffer.alloc(16, 0x67);
let onReply = () => {};

async function ensureSockets(n) {
  while (sockets.length < n) {
    const s = dgram.createSocket('udp4');
    s.on('message', () => onReply());
    s.on('error', () => {});
    await new Promise((resolve) => s.bind(0, resolve));
    sockets.push(s);
  }
}

/**
 * One round: n new flows, `window` in flight. Nothing is dropped on the way
 * (a window far below every queue), so only a whole second without a reply
 * counts what is in flight as lost: a busy box's pause is not a loss.
 */
function round({ n, window, host, port }) {
  return new Promise((resolve) => {
    let sent = 0;
    let received = 0;
    let lost = 0;
    let last = performance.now();
    const send = () => {
      sockets[sent++].send(payload, port, host);
    };
    const cpu = process.cpuUsage();
    const started = performance.now();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearInterval(stall);
      onReply = () => {};
      const used = process.cpuUsage(cpu);
      resolve({
        flows: received,
        lost,
        ms: last - started,
        cpuUsPerFlow: (used.user + used.system) / Math.max(1, received),
      });
    };
    let progressAt = received;
    const stall = setInterval(() => {
      if (received !== progressAt) {
        progressAt = received;
        return;
      }
      lost += sent - received - lost;
      if (sent === n) finish();
      else for (let i = 0; i < window && sent < n; i++) send();
    }, 1000);
    onReply = () => {
      received++;
      last = performance.now();
      if (sent < n) send();
      else if (received + lost >= n) finish();
    };
    for (let i = 0; i < window && sent < n; i++) send();
  });
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  const cmd = JSON.parse(line);
  await ensureSockets(cmd.n);
  process.stdout.write(`${JSON.stringify(await round(cmd))}\n`);
}
for (const s of sockets) s.close();
