/** Messages between the page and the live stream's worker (live-source.ts, live-worker.ts). */
import type { FlowView } from './flow-delta';
import type { LiveEventName } from './live-events';

export type ToLiveWorker = { kind: 'open'; url: string } | { kind: 'close' } | { kind: 'view'; view: FlowView | null };

export type FromLiveWorker =
  | { kind: 'open' }
  /** `closed`: the browser gave up on this connection (EventSource.CLOSED); otherwise it retries by itself. */
  | { kind: 'error'; closed: boolean }
  | { kind: 'event'; name: LiveEventName; data: unknown }
  /** This browser has no EventSource in workers: the page reads the stream itself. */
  | { kind: 'unsupported' };
