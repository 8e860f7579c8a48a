/// <reference lib="webworker" />
/**
 * The live stream, read and parsed off the page's main thread: the page
 * opens and closes it and says which Connections view is open; it gets
 * each message's data as the decoder makes it (live-decoder.ts).
 */
import { createLiveDecoder, openDecodedStream } from './live-decoder';
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
  source = openDecodedStream(m.url, decoder, {
    onOpen: () => post({ kind: 'open' }),
    onError: (closed) => post({ kind: 'error', closed }),
    onEvent: (name, data) => post({ kind: 'event', name, data }),
  });
};
