/**
 * The probe's dialogue with the FTP server, as a small Node program run by
 * the one runner (`node -e <source> -- host port timeoutMs tls`): the runner
 * puts it in the gateway's network namespace when the server is configured
 * with one (GATEHOUSE_NETNS, the lab tests), and a socket opened by this
 * process could not be. CommonJS source kept as a string so it runs the same
 * from src/ under vitest and from dist/ (the lab's scripts.ts does the same).
 *
 * It connects with a deadline, reads the banner, sends FEAT, and, for an
 * FTPS forward (tls = "1") whose server offers it, AUTH TLS (the server's
 * certificate is not checked: the probe wants the server's PASV reply, not
 * its identity), PBSZ 0 and PROT P; then logs in as anonymous, sends PASV
 * and QUIT, and prints one JSON line of the replies. Never more than one
 * connection, never a data connection. Errors are codes (ECONNREFUSED,
 * EHOSTUNREACH, timeout, closed), not sentences.
 */
export const FTP_PROBE_PROGRAM = String.raw`
'use strict';
const net = require('node:net');
const tls = require('node:tls');
const [host, port, timeoutMs, wantTls] = process.argv.slice(1);
const out = { connected: false, tls: false, replies: [] };
let buf = '';
let lines = [];
let waiting = null;
let sock = null;
const deadline = setTimeout(() => finish('timeout'), Number(timeoutMs));
function attach(s) {
  sock = s;
  s.setEncoding('latin1');
  s.on('error', (e) => finish(e.code || 'error'));
  s.on('close', () => { if (waiting) { const w = waiting; waiting = null; w(null); } });
  s.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).replace(/\r$/, '');
      buf = buf.slice(i + 1);
      lines.push(line);
      if (/^\d{3}( |$)/.test(line)) {
        const reply = lines; lines = [];
        if (waiting) { const w = waiting; waiting = null; w(reply); }
      }
    }
  });
}
const raw = net.connect({ host, port: Number(port) });
attach(raw);
raw.on('connect', () => { out.connected = true; run().catch(() => finish('closed')); });
function reply() { return new Promise((r) => { waiting = r; }); }
async function send(cmd) { sock.write(cmd + '\r\n'); return record(cmd, await reply()); }
function record(cmd, r) {
  if (!r) throw new Error('closed');
  const last = r[r.length - 1];
  const entry = { command: cmd, code: Number(last.slice(0, 3)), lines: r.slice(0, 40).map((l) => l.slice(0, 300)) };
  out.replies.push(entry);
  return entry;
}
function upgrade() {
  return new Promise((resolve, reject) => {
    raw.removeAllListeners('data');
    raw.removeAllListeners('close');
    const s = tls.connect({ socket: raw, rejectUnauthorized: false });
    s.once('secureConnect', () => { attach(s); resolve(); });
    s.once('error', reject);
  });
}
async function run() {
  const banner = record('', await reply());
  if (banner.code !== 220) return finish();
  const feat = await send('FEAT');
  const offersTls = feat.code === 211 && feat.lines.some((l) => /^\s*AUTH\b.*\bTLS\b/i.test(l));
  if (wantTls === '1' && offersTls) {
    const auth = await send('AUTH TLS');
    if (auth.code === 234) {
      await upgrade();
      out.tls = true;
      await send('PBSZ 0');
      await send('PROT P');
    }
  }
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
  if (sock) sock.destroy();
  process.exit(0);
}
`;
