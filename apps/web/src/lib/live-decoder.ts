/**
 * Turns the live stream's messages into what the pages' handlers get: the
 * message's JSON, parsed; for `flows`, what the batch changes in the open
 * Connections view (flow-delta.ts), or nothing when no view is open or the
 * batch changes nothing in it. Runs in the stream's worker (live-worker.ts),
 * or in the page where there is none (live-source.ts).
 */
import {
  advanceFlowView,
  type FlowView,
  isEmptyDelta,
  type PreparedFlowView,
  prepareFlowView,
  reduceFlowBatch,
} from './flow-delta';
import { LIVE_EVENTS, type LiveEventName } from './live-events';
import type { Api } from './types';

export interface LiveDecoder {
  setFlowView(view: FlowView | null): void;
  /** The data to hand on, or null: nothing for the pages. */
  decode(name: LiveEventName, raw: string): { data: unknown } | null;
}

export function createLiveDecoder(): LiveDecoder {
  let view: PreparedFlowView | null = null;
  return {
    setFlowView(v) {
      view = v && prepareFlowView(v);
    },
    decode(name, raw) {
      if (name === 'flows') {
        if (!view) return null;
        const batch = JSON.parse(raw) as Api['FlowChanges'];
        const delta = reduceFlowBatch(batch.events, view);
        if (isEmptyDelta(delta)) return null;
        advanceFlowView(view, delta);
        return { data: delta };
      }
      try {
        return { data: JSON.parse(raw) };
      } catch {
        return { data: raw };
      }
    },
  };
}

/** What the stream's reader hands on (live-source.ts). */
export interface LiveSourceHandlers {
  onOpen(): void;
  /** `closed`: the browser gave up on this connection; otherwise it retries by itself. */
  onError(closed: boolean): void;
  onEvent(name: LiveEventName, data: unknown): void;
}

/** An EventSource whose messages go through `decoder`: read in the worker, or in the page where there is none. */
export function openDecodedStream(url: string, decoder: LiveDecoder, h: LiveSourceHandlers): EventSource {
  const s = new EventSource(url, { withCredentials: true });
  s.onopen = () => h.onOpen();
  s.onerror = () => h.onError(s.readyState === EventSource.CLOSED);
  for (const name of LIVE_EVENTS) {
    s.addEventListener(name, (ev) => {
      const out = decoder.decode(name, (ev as MessageEvent<string>).data);
      if (out) h.onEvent(name, out.data);
    });
  }
  return s;
}
