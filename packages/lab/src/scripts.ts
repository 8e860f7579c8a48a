/**
 * Small Node programs run inside the lab namespaces with
 * `ip netns exec <ns> node -e <source> -- <args...>`.
 *
 * They are kept as CommonJS source strings (not files) so the same code works
 * from `src/` under vitest and from `dist/` after the build, with no shell and
 * nothing written to disk. Arguments arrive in `process.argv.slice(1)`.
 */

/**
 * TCP banner service (ssh stand-in). Args: host ('0.0.0.0' for any), port, banner.
 * Sends `<banner>\r\n` on connect, then echoes whatever it receives (so a test
 * can prove both directions of a forward). Prints `listening` once bound.
 */
export const BANNER_SERVER = String.raw`
'use strict';
const net = require('node:net');
const [host, port, banner] = process.argv.slice(1);
const server = net.createServer((s) => {
  s.on('error', () => {});
  s.setTimeout(60000, () => s.destroy());
  s.write(banner + '\r\n');
  s.on('data', (d) => s.write(d));
  s.on('end', () => s.end());
});
server.on('error', (e) => { process.stderr.write('banner server: ' + e.message + '\n'); process.exit(1); });
server.listen({ host, port: Number(port) }, () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/**
 * Wait until TCP ports accept connections. Args: timeoutMs, then host:port...
 * Exit 0 when all accepted, 1 (message on stderr) on timeout.
 */
export const WAIT_PORTS = String.raw`
'use strict';
const net = require('node:net');
const [timeoutMs, ...targets] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
function tryOnce(host, port) {
  return new Promise((resolve) => {
    const s = net.connect({ host, port: Number(port) });
    const done = (ok) => { s.destroy(); resolve(ok); };
    s.setTimeout(500, () => done(false));
    s.on('connect', () => done(true));
    s.on('error', () => done(false));
  });
}
(async () => {
  for (const t of targets) {
    const i = t.lastIndexOf(':');
    const host = t.slice(0, i);
    const port = t.slice(i + 1);
    for (;;) {
      if (await tryOnce(host, port)) break;
      if (Date.now() > deadline) { process.stderr.write('timeout waiting for ' + t + '\n'); process.exit(1); }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  process.exit(0);
})();
`;

/**
 * Connect and read the first line. Args: host, port, timeoutMs, [send].
 * If `send` is given it is written after the banner and the echoed reply
 * (first line) is reported too. Prints one JSON line:
 * {ok, banner, echo?, error?}.
 */
export const BANNER_CLIENT = String.raw`
'use strict';
const net = require('node:net');
const [host, port, timeoutMs, send] = process.argv.slice(1);
let buf = '';
let banner = null;
let finished = false;
const s = net.connect({ host, port: Number(port) });
s.setEncoding('latin1');
const finish = (o) => {
  if (finished) return;
  finished = true;
  clearTimeout(timer);
  s.destroy();
  process.stdout.write(JSON.stringify(o) + '\n');
};
const timer = setTimeout(() => finish({ ok: false, banner: banner ?? buf, error: 'timeout' }), Number(timeoutMs));
s.on('data', (d) => {
  buf += d;
  for (;;) {
    const i = buf.indexOf('\n');
    if (i < 0) return;
    const line = buf.slice(0, i).replace(/\r$/, '');
    buf = buf.slice(i + 1);
    if (banner === null) {
      banner = line;
      if (!send) return finish({ ok: true, banner });
      s.write(send + '\n');
    } else {
      return finish({ ok: true, banner, echo: line });
    }
  }
});
s.on('error', (e) => finish({ ok: false, banner: banner ?? buf, error: e.code || e.message }));
s.on('end', () => finish({ ok: false, banner: banner ?? buf, error: 'closed by peer' }));
`;

/**
 * Raw FTP control connection that stops after PASV. Args: host, port, timeoutMs.
 * Talks JSON lines: first prints {event:'pasv', reply, dataHost, dataPort,
 * controlSourceAddress, controlSourcePort} (or {event:'error', message} and
 * exits 1). Then reads requests {id, cmd:'connectData'|'close'} on stdin and
 * answers {id, ok, ...}. connectData connects to the address from the 227
 * reply, sends LIST and returns the listing; close sends QUIT and exits.
 */
export const FTP_HOLD_PASSIVE = String.raw`
'use strict';
const net = require('node:net');
const readline = require('node:readline');
const [host, port, timeoutMs] = process.argv.slice(1);
const TIMEOUT = Number(timeoutMs);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let closing = false;
const fatal = (message) => { out({ event: 'error', message }); process.exit(1); };

const ctl = net.connect({ host, port: Number(port) });
ctl.setEncoding('latin1');
let buf = '';
let cur = null;
const queue = [];
const waiters = [];
function deliver(r) {
  const reply = { code: Number(r.code), text: r.lines.join('\n') };
  const w = waiters.shift();
  if (w) w(reply); else queue.push(reply);
}
ctl.on('data', (d) => {
  buf += d;
  let i;
  while ((i = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, i).replace(/\r$/, '');
    buf = buf.slice(i + 1);
    if (cur) {
      cur.lines.push(line);
      if (line.startsWith(cur.code + ' ')) { deliver(cur); cur = null; }
      continue;
    }
    const m = /^(\d{3})([ -])/.exec(line);
    if (!m) continue;
    if (m[2] === '-') cur = { code: m[1], lines: [line] };
    else deliver({ code: m[1], lines: [line] });
  }
});
ctl.on('error', (e) => { if (!closing) fatal('control connection: ' + (e.code || e.message)); });
ctl.on('close', () => { if (!closing) fatal('control connection closed by peer'); process.exit(0); });

function next() {
  const r = queue.shift();
  if (r) return Promise.resolve(r);
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout waiting for a reply')), TIMEOUT);
    waiters.push((x) => { clearTimeout(t); resolve(x); });
  });
}
function cmd(line) { ctl.write(line + '\r\n'); return next(); }

let dataHost = '';
let dataPort = 0;

async function connectData() {
  const data = net.connect({ host: dataHost, port: dataPort });
  data.setEncoding('latin1');
  let body = '';
  data.on('data', (d) => { body += d; });
  const closed = new Promise((resolve) => data.on('close', resolve));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => { data.destroy(); reject(new Error('timeout connecting data channel to ' + dataHost + ':' + dataPort)); }, TIMEOUT);
    data.on('connect', () => { clearTimeout(t); resolve(); });
    data.on('error', (e) => { clearTimeout(t); reject(new Error('data channel: ' + (e.code || e.message))); });
  });
  const r1 = await cmd('LIST');
  if (r1.code !== 150 && r1.code !== 125) { data.destroy(); throw new Error('LIST: ' + r1.text); }
  await closed;
  const r2 = await next();
  if (r2.code !== 226) throw new Error('LIST end: ' + r2.text);
  return { listing: body, replies: [r1.text, r2.text] };
}

async function main() {
  await new Promise((resolve) => {
    const t = setTimeout(() => fatal('no TCP connection to ' + host + ':' + port + ' within ' + TIMEOUT + ' ms'), TIMEOUT);
    ctl.once('connect', () => { clearTimeout(t); resolve(); });
  });
  const greeting = await next();
  if (greeting.code !== 220) return fatal('greeting: ' + greeting.text);
  let r = await cmd('USER anonymous');
  if (r.code === 331) r = await cmd('PASS lab@example.org');
  if (r.code !== 230) return fatal('login: ' + r.text);
  r = await cmd('PASV');
  if (r.code !== 227) return fatal('PASV: ' + r.text);
  const m = /(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)/.exec(r.text);
  if (!m) return fatal('cannot parse 227 reply: ' + r.text);
  dataHost = [m[1], m[2], m[3], m[4]].join('.');
  dataPort = Number(m[5]) * 256 + Number(m[6]);
  out({ event: 'pasv', reply: r.text, dataHost, dataPort, controlSourceAddress: ctl.localAddress, controlSourcePort: ctl.localPort });

  const rl = readline.createInterface({ input: process.stdin });
  rl.on('close', () => { closing = true; ctl.destroy(); process.exit(0); });
  for await (const line of rl) {
    if (!line.trim()) continue;
    let req;
    try { req = JSON.parse(line); } catch { continue; }
    if (req.cmd === 'connectData') {
      try { out({ id: req.id, ok: true, ...(await connectData()) }); }
      catch (e) { out({ id: req.id, ok: false, error: e.message }); }
    } else if (req.cmd === 'close') {
      closing = true;
      let reply = '';
      try { reply = (await Promise.race([cmd('QUIT'), new Promise((_, j) => setTimeout(() => j(new Error('timeout')), 2000))])).text; } catch {}
      out({ id: req.id, ok: true, reply });
      ctl.destroy();
      process.exit(0);
    } else {
      out({ id: req.id, ok: false, error: 'unknown cmd' });
    }
  }
}
main().catch((e) => fatal(e.message));
`;

/**
 * Wait until a URL answers 2xx. Args: timeoutMs, url. https is accepted with
 * any certificate (the panel's self-signed one). Each attempt has its own 2 s
 * deadline. Exit 0 when answered; 1 with the last problem on stderr.
 */
export const WAIT_HTTP = String.raw`
'use strict';
const [timeoutMs, url] = process.argv.slice(1);
const deadline = Date.now() + Number(timeoutMs);
const lib = url.startsWith('https:') ? require('node:https') : require('node:http');
function tryOnce() {
  return new Promise((resolve) => {
    const req = lib.get(url, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300 ? '' : 'status ' + res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 2 s')));
    req.on('error', (e) => resolve(e.code || e.message));
  });
}
(async () => {
  for (;;) {
    const problem = await tryOnce();
    if (!problem) process.exit(0);
    if (Date.now() > deadline) { process.stderr.write(problem + '\n'); process.exit(1); }
    await new Promise((r) => setTimeout(r, 100));
  }
})();
`;
