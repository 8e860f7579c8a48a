/**
 * Flow and expectation counts over time for the dashboard chart. The server
 * keeps the last hour (GET /status/history), so a reload starts with it;
 * after that the series grows from the live stream (counts on `hello` and
 * `conntrack`, and the net of new and destroyed entries in each `flows` and
 * `expectations` batch) and is corrected by every status poll. Samples are
 * kept at module level so the history survives leaving the page.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useLiveEvent } from '../../../lib/events';
import type { Api } from '../../../lib/types';
import { useStatusHistory } from './get-status-history';

export interface CountSample {
  at: number;
  flows: number;
  expectations: number;
}

/** The server's window: an hour. */
export const SERIES_WINDOW_MS = 60 * 60_000;
const MAX_SAMPLES = 2000;

let samples: CountSample[] = [];
let seeded = false;
const listeners = new Set<() => void>();

const notify = () => {
  for (const l of listeners) l();
};

export function pushSample(sample: CountSample): void {
  const last = samples[samples.length - 1];
  // Collapse samples closer than a second: status polls and events often coincide.
  if (last && sample.at - last.at < 1000) {
    samples = [...samples.slice(0, -1), { ...sample, at: last.at }];
  } else {
    samples = [...samples, sample].filter((s) => sample.at - s.at <= SERIES_WINDOW_MS).slice(-MAX_SAMPLES);
  }
  notify();
}

/** The server's history first, then whatever the page collected that is newer. */
export function seedSamples(history: readonly CountSample[]): void {
  const lastSeed = history[history.length - 1]?.at ?? 0;
  samples = [...history, ...samples.filter((s) => s.at > lastSeed)].slice(-MAX_SAMPLES);
  seeded = true;
  notify();
}

/** Applies a batch's new and destroyed entries to the newest figure. */
function pushDelta(kind: 'flows' | 'expectations', data: unknown): void {
  const last = samples[samples.length - 1];
  const events = (data as { events?: Array<{ type?: string }> } | null)?.events;
  if (!last || !Array.isArray(events)) return;
  let net = 0;
  for (const e of events) net += e.type === 'new' ? 1 : e.type === 'destroy' ? -1 : 0;
  if (net === 0) return;
  pushSample({ ...last, at: Date.now(), [kind]: Math.max(0, last[kind] + net) });
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConntrackSeries(current: Api['Status']['conntrack'] | undefined): {
  samples: CountSample[];
  /** False until the server's history arrived (or failed): the chart waits for it. */
  ready: boolean;
} {
  const history = useStatusHistory();
  useEffect(() => {
    if (history.data && !seeded) seedSamples(history.data.samples);
  }, [history.data]);
  useEffect(() => {
    if (current) pushSample({ at: Date.now(), flows: current.flows, expectations: current.expectations });
  }, [current]);
  useLiveEvent(['hello', 'conntrack'], (data) => {
    const d = data as { flows?: unknown; expectations?: unknown } | null;
    if (typeof d?.flows === 'number' && typeof d.expectations === 'number') {
      pushSample({ at: Date.now(), flows: d.flows, expectations: d.expectations });
    }
  });
  useLiveEvent('flows', (data) => pushDelta('flows', data));
  useLiveEvent('expectations', (data) => pushDelta('expectations', data));
  const current_ = useSyncExternalStore(
    subscribe,
    () => samples,
    () => samples,
  );
  return { samples: current_, ready: seeded || history.isError };
}
