/**
 * The two event readers of the events groups: an SSE client of the server's
 * GET /events and a reference `conntrack -E` beside it, each counting the
 * `new` flow events of the current burst (original source starting with
 * `prefix`); and settle(), which waits until a count stops moving.
 */
import { spawn } from 'node:child_process';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Reads GET /events; counts `new` flow events whose original source starts with prefix. */
export function sseClient(srv) {
  const state = { prefix: '\0', newEvents: 0, resyncs: [], hello: false };
  const ac = new AbortController();
  const done = (async () => {
    const r = await fetch(`${srv.base}/events`, { headers: srv.auth, signal: ac.signal });
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of r.body) {
      buf += dec.decode(chunk, { stream: true });
      let at = buf.indexOf('\n\n');
      while (at >= 0) {
        const msg = buf.slice(0, at);
        buf = buf.slice(at + 2);
        at = buf.indexOf('\n\n');
        let event = 'message';
        let data = '';
        for (const line of msg.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data += line.slice(6);
        }
        if (event === 'hello') state.hello = true;
        else if (event === 'resync') state.resyncs.push(JSON.parse(data));
        else if (event === 'flows') {
          for (const ev of JSON.parse(data).events)
            if (ev.type === 'new' && ev.row.original.src.startsWith(state.prefix)) state.newEvents++;
        }
      }
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
