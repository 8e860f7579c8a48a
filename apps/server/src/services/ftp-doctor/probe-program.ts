/**
 * The probe's dialogue with the FTP server, as a small Node program run by
 * the one runner (`node -e <source> -- host port timeoutMs`): the runner
 * puts it in the gateway's network namespace when the server is configured
 * with one (GATEHOUSE_NETNS, the lab tests), and a socket opened by this
 * process could not be. CommonJS source kept as a string so it runs the same
 * from src/ under vitest and from dist/ (the lab's scripts.ts does the same).
 *
 * It connects with a deadline, reads the banner, sends FEAT, logs in as
 * anonymous, sends PASV and QUIT, and prints one JSON line of the replies.
 * Never more than one connection, never a data connection. Errors are
 * codes (ECONNREFUSED, EHOSTUNREACH, timeout, closed), not sentences.
 */
export const FTP_PROBE_PROGRAM = String.raw`
'use strict';
const net = require('node:net');
const [host, port, timeoutMs] = process.argv.slice(1);
const out = { connected: false, replies: [] };
let buf = '';
let lines = [];
let waiting = null;
const deadline = setTimeout(() => finish('timeout'), Number(timeoutMs));
const sock = net.connect({ host, port: Number(port) });
sock.setEncoding('latin1');
sock.on('connect', () => { out.connected = true; run().catch(() => finish('closed')); });
sock.on('error', (e) => finish(e.code || e.message));
sock.on('close', () => { if (waiting) { const w = waiting; waiting = null; w(null); } });
sock.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i).replace(/\r$/, '');
    buf = buf.slice(i + 1);
    lines.push(line);
    if (/^\d{3} /.test(line) || (/^\d{3}$/.test(line))) {
      const reply = lines; lines = [];
      if (waiting) { const w = waiting; waiting = null; w(reply); }
    }
  }
});
function reply() { return new Promise((r) => { waiting = r; }); }
async function send(cmd) { sock.write(cmd + '\r\n'); return record(cmd, await reply()); }
function record(cmd, r) {
  if (!r) throw new Error('closed');
  const last = r[r.length - 1];
  const entry = { command: cmd, code: Number(last.slice(0, 3)), lines: r.slice(0, 40).map((l) => l.slice(0, 300)) };
  out.replies.push(entry);
  return entry;
}
async function run() {
  const banner = record('', await reply());
  if (banner.code !== 220) return finish();
  await send('FEAT');
  let login = await send('USER anonymous');
  if (login.code === 331) login = await send('PASS gatehouse-doctor@');
  if (login.code !== 230) return finish();
  await send('PASV');
  sock.write('QUIT\r\n');
  finish();
}
function finish(error) {
  if (out.done) return;
  out.done = true;
  if (error) out.error = error;
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(out) + '\n');
  sock.destroy();
  process.exit(0);
}
`;
