/// <reference lib="webworker" />
/**
 * The live stream, read and parsed off the page's main thread: the page
 * opens and closes it and says which Connections view is open; it gets
 * each message's data as the decoder makes it (live-decoder.ts).
 */
import { createLiveDecoder } from './live-decoder';
import { LIVE_EVENTS } from './live-events';
import type { FromLiveWorker, ToLiveWorker } from './live-protocol';

declare const self: DedicatedWorkerGlobalScope;

const decoder = createLiveDecoder();
let source: EventSource | null = null;
const post = (m: FromLiveWorker) => self.postMessage(m);

self.onmessage = (e: MessageEvent<ToLiveWorker>) => {
  const m = e.data;
  if (m.kind === 'view') {
    decoder.setFlowView(m.view);
    return;
  }
  source?.close();
  source = null;
  if (m.kind === 'close') return;
  if (typeof EventSource === 'undefined') {
    post({ kind: 'unsupported' });
    return;
  }
  const s = new EventSource(m.url, { withCredentials: true });
  source = s;
  s.onopen = () => post({ kind: 'open' });
  s.onerror = () => post({ kind: 'error', closed: s.readyState === EventSource.CLOSED });
  for (const name of LIVE_EVENTS) {
    s.addEventListener(name, (ev) => {
      const out = decoder.decode(name, (ev as MessageEvent<string>).data);
      if (out) post({ kind: 'event', name, data: out.data });
    });
  }
};
