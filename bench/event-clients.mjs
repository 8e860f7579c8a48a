/**
 * The two event readers of the events groups: an SSE client of the server's
 * GET /events and a reference `conntrack -E` beside it, each counting the
 * `new` flow events of the current burst (original source starting with
 * `prefix`); and settle(), which waits until a count stops moving.
 *
 * Both count in the bytes as they arrive, without decoding a line or
 * parsing a message: they run in the bench's process beside the server, the
 * generator and the reference `conntrack`, on the same cores, and what they
 * cost is taken from the server measured beside them (15.2c). Parsing every
 * `flows` message (JSON.parse) and splitting the reference's output into
 * strings cost the bench ~3.9 s of CPU a 500,000-flow burst, more than the
 * server. A `new` event is `{"type":"new","row":{...,"original":{"src":"..`
 * in a `flows` message: the key order the server's row writer keeps
 * (table/row-json.ts, held equal to JSON.stringify by its test); a change
 * of that text counts nothing and fails 15.2a, it cannot pass it.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const MESSAGE_END = Buffer.from('\n\n');
const EVENT = Buffer.from('event: ');
const DATA = Buffer.from('data: ');
const NEW_ROW = Buffer.from('{"type":"new","row":');
const ORIGINAL_SRC = Buffer.from('"original":{"src":"');
const NEW_LINE = Buffer.from('[NEW]');
const SRC = Buffer.from('src=');

/** Whether buf holds `prefix` at `at`. */
const startsAt = (buf, at, prefix) => buf.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;

/** Reads GET /events; counts `new` flow events whose original source starts with prefix. */
export function sseClient(srv) {
  const state = { prefix: '\0', newEvents: 0, resyncs: [], hello: false };
  let prefix = Buffer.from(state.prefix);
  const countNew = (data) => {
    if (prefix.toString() !== state.prefix) prefix = Buffer.from(state.prefix);
    for (let i = data.indexOf(NEW_ROW); i >= 0; i = data.indexOf(NEW_ROW, i + NEW_ROW.length)) {
      const src = data.indexOf(ORIGINAL_SRC, i + NEW_ROW.length);
      if (src < 0) break;
      if (startsAt(data, src + ORIGINAL_SRC.length, prefix)) state.newEvents++;
    }
  };
  const message = (msg) => {
    if (!startsAt(msg, 0, EVENT)) return; // a comment (keep-alive)
    const nameEnd = msg.indexOf(10);
    const event = msg.toString('latin1', EVENT.length, nameEnd);
    const data = startsAt(msg, nameEnd + 1, DATA) ? msg.subarray(nameEnd + 1 + DATA.length) : Buffer.alloc(0);
    if (event === 'hello') state.hello = true;
    else if (event === 'resync') state.resyncs.push(JSON.parse(data.toString()));
    else if (event === 'flows') countNew(data);
  };
  // node:http, not fetch: its chunks are Buffers, without a web stream's cost per chunk.
  let req;
  const done = new Promise((resolve, reject) => {
    req = http.get(`${srv.base}/events`, { headers: srv.auth }, (res) => {
      // The chunks of a message not yet whole: joined once, when its end arrives.
      let held = [];
      let heldBytes = 0;
      res.on('data', (part) => {
        const lastHeld = held.at(-1);
        const endsAcross = lastHeld !== undefined && lastHeld[lastHeld.length - 1] === 10 && part[0] === 10;
        if (!endsAcross && part.indexOf(MESSAGE_END) < 0) {
          held.push(part);
          heldBytes += part.length;
          return;
        }
        const buf = held.length > 0 ? Buffer.concat([...held, part], heldBytes + part.length) : part;
        let start = 0;
        for (let end = buf.indexOf(MESSAGE_END); end >= 0; end = buf.indexOf(MESSAGE_END, start)) {
          message(buf.subarray(start, end));
          start = end + MESSAGE_END.length;
        }
        held = start < buf.length ? [buf.subarray(start)] : [];
        heldBytes = buf.length - start;
      });
      res.on('end', resolve);
      res.on('error', () => resolve());
    });
    req.on('error', (e) => (req.destroyed ? resolve() : reject(e)));
  });
  return { state, stop: () => req.destroy(), done };
}

/** A reference `conntrack -E` (the server's event options); counts [NEW] lines whose original source starts with prefix. */
export function referenceEvents() {
  const state = { prefix: '\0', newEvents: 0, enobufs: 0 };
  let prefix = Buffer.from(state.prefix);
  const child = spawn('conntrack', ['-E', '-o', 'id', '-b', String(32 * 1024 * 1024)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let rest = Buffer.alloc(0);
  child.stdout.on('data', (chunk) => {
    if (prefix.toString() !== state.prefix) prefix = Buffer.from(state.prefix);
    const buf = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10); nl >= 0; start = nl + 1, nl = buf.indexOf(10, start)) {
      let at = start;
      while (buf[at] === 32) at++;
      if (!startsAt(buf, at, NEW_LINE)) continue;
      // The first src= of a line is the original direction's.
      const src = buf.indexOf(SRC, at);
      if (src >= 0 && src < nl && startsAt(buf, src + SRC.length, prefix)) state.newEvents++;
    }
    rest = Buffer.from(buf.subarray(start));
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => {
    state.enobufs += (d.match(/ENOBUFS/g) ?? []).length;
  });
  return { state, stop: () => child.kill('SIGTERM') };
}

export async function settle(read, quietMs = 2000, maxMs = 30_000) {
  const start = Date.now();
  let last = read();
  let since = Date.now();
  while (Date.now() - start < maxMs) {
    await sleep(200);
    const v = read();
    if (v !== last) {
      last = v;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) break;
  }
}
