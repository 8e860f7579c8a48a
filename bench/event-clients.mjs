/**
 * The two event readers of the events groups: an SSE client of the server's
 * GET /events and a reference `conntrack -E` beside it, each counting the
 * `new` flow events of the current burst (original source starting with
 * `prefix`); and settle(), which waits until a count stops moving.
 */
import { spawn } from 'node:child_process';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const NEW_EVENT = '{"type":"new","row":';
const ORIGINAL_SRC = '"original":{"src":"';
/** Every this many flows messages, the cheap count is checked against a full JSON.parse of the message. */
const CHECK_EVERY = 16;

/**
 * `new` events in a flows message's data whose original source starts with
 * prefix, read off the text as the server writes it (each event
 * `{"type":"new","row":{...,"original":{"src":"...`). JSON.parse and a walk
 * of the rows take ~4 ms a 2,000-row message (an idle box), 0.6-1 s of this
 * process's CPU in a 50k/s burst, beside the server and the generator on
 * two cores (15.2c); every CHECK_EVERY-th message is still parsed, and a
 * count that differs stops the bench.
 */
function countNew(data, prefix) {
  let n = 0;
  for (let i = data.indexOf(NEW_EVENT); i >= 0; i = data.indexOf(NEW_EVENT, i + NEW_EVENT.length)) {
    const src = data.indexOf(ORIGINAL_SRC, i);
    if (src >= 0 && data.startsWith(prefix, src + ORIGINAL_SRC.length)) n++;
  }
  return n;
}

/** The same count through JSON.parse (the reference countNew is checked against). */
function countNewParsed(data, prefix) {
  let n = 0;
  for (const ev of JSON.parse(data).events) if (ev.type === 'new' && ev.row.original.src.startsWith(prefix)) n++;
  return n;
}

/**
 * Reads GET /events; counts `new` flow events whose original source starts
 * with prefix. A message is searched for its end only in the text that came
 * after what was already searched (a flows message is ~0.8 MB in ~13 chunks).
 */
export function sseClient(srv) {
  const state = { prefix: '\0', newEvents: 0, resyncs: [], hello: false, flowsMessages: 0 };
  const ac = new AbortController();
  const onMessage = (msg) => {
    let event = 'message';
    let data = '';
    for (const line of msg.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data += line.slice(6);
    }
    if (event === 'hello') state.hello = true;
    else if (event === 'resync') state.resyncs.push(JSON.parse(data));
    else if (event === 'flows') {
      const n = countNew(data, state.prefix);
      if (state.flowsMessages++ % CHECK_EVERY === 0) {
        const parsed = countNewParsed(data, state.prefix);
        if (parsed !== n)
          throw new Error(`SSE client: counted ${n} new events in a flows message, JSON.parse says ${parsed}`);
      }
      state.newEvents += n;
    }
  };
  const done = (async () => {
    const r = await fetch(`${srv.base}/events`, { headers: srv.auth, signal: ac.signal });
    const dec = new TextDecoder();
    let buf = '';
    let searched = 0;
    for await (const chunk of r.body) {
      buf += dec.decode(chunk, { stream: true });
      let at = buf.indexOf('\n\n', Math.max(0, searched - 1));
      while (at >= 0) {
        onMessage(buf.slice(0, at));
        buf = buf.slice(at + 2);
        at = buf.indexOf('\n\n');
      }
      searched = buf.length;
    }
  })().catch((e) => {
    if (e.name !== 'AbortError') throw e;
  });
  return { state, stop: () => ac.abort(), done };
}

export function referenceEvents() {
  const state = { prefix: '\0', newEvents: 0, enobufs: 0 };
  const child = spawn('conntrack', ['-E', '-o', 'id', '-b', String(32 * 1024 * 1024)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buf = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop();
    for (const l of lines)
      if (l.startsWith('    [NEW]') || l.startsWith('[NEW]') || /^\s*\[NEW\]/.test(l)) {
        if (l.includes(`src=${state.prefix}`)) state.newEvents++;
      }
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
