/**
 * The live stream's connection, as the page sees it: open, close, the open
 * Connections view, and handlers for what arrives. It is read in a worker
 * (live-worker.ts), so that parsing it, at thousands of flows a second,
 * does not take the page's main thread; the page reads it itself where
 * there is no worker (tests) or the worker cannot stream (no EventSource in
 * workers, or the worker failed to load). Both decode the same way
 * (live-decoder.ts).
 */
import type { FlowView } from './flow-delta';
import { createLiveDecoder, type LiveSourceHandlers, openDecodedStream } from './live-decoder';
import type { FromLiveWorker, ToLiveWorker } from './live-protocol';

export interface LiveSource {
  open(url: string): void;
  close(): void;
  setFlowView(view: FlowView | null): void;
  dispose(): void;
}

/** The stream read in the page. */
function pageSource(h: LiveSourceHandlers): LiveSource {
  const decoder = createLiveDecoder();
  let source: EventSource | null = null;
  const close = () => {
    source?.close();
    source = null;
  };
  return {
    open(url) {
      close();
      source = openDecodedStream(url, decoder, h);
    },
    close,
    setFlowView: (v) => decoder.setFlowView(v),
    dispose: close,
  };
}

/** The stream read in a worker; `fallBack` when the worker cannot do it. */
function workerSource(h: LiveSourceHandlers, fallBack: () => void): LiveSource {
  const worker = new Worker(new URL('./live-worker.ts', import.meta.url), { type: 'module', name: 'live-stream' });
  const send = (m: ToLiveWorker) => worker.postMessage(m);
  let failed = false;
  const fail = () => {
    if (failed) return;
    failed = true;
    fallBack();
  };
  worker.onmessage = (e: MessageEvent<FromLiveWorker>) => {
    const m = e.data;
    if (m.kind === 'event') h.onEvent(m.name, m.data);
    else if (m.kind === 'open') h.onOpen();
    else if (m.kind === 'error') h.onError(m.closed);
    else fail();
  };
  // The script did not load, or failed as it started.
  worker.onerror = (e) => {
    e.preventDefault();
    fail();
  };
  return {
    open: (url) => send({ kind: 'open', url }),
    close: () => send({ kind: 'close' }),
    setFlowView: (view) => send({ kind: 'view', view }),
    dispose: () => worker.terminate(),
  };
}

export function createLiveSource(h: LiveSourceHandlers): LiveSource {
  let url: string | null = null;
  let view: FlowView | null = null;
  let impl: LiveSource;
  const fallBack = () => {
    impl.dispose();
    impl = pageSource(h);
    impl.setFlowView(view);
    if (url) impl.open(url);
  };
  try {
    impl = typeof Worker === 'function' ? workerSource(h, fallBack) : pageSource(h);
  } catch {
    // e.g. a policy that allows no worker
    impl = pageSource(h);
  }
  return {
    open(u) {
      url = new URL(u, globalThis.location?.href).href;
      impl.open(url);
    },
    close() {
      url = null;
      impl.close();
    },
    setFlowView(v) {
      view = v;
      impl.setFlowView(v);
    },
    dispose() {
      url = null;
      impl.dispose();
    },
  };
}
