/**
 * Flow and expectation counts over time for the dashboard chart. Samples come
 * from the status poll and from `conntrack` events when the server sends counts;
 * they are kept at module level so the history survives leaving the page.
 */
import { useEffect, useSyncExternalStore } from 'react';
import { useLiveEvent } from '../../../lib/events';

export interface CountSample {
  at: number;
  flows: number;
  expectations: number;
}

/** 10 minutes at one sample every 5 s, or less if samples come faster. */
export const SERIES_WINDOW_MS = 10 * 60_000;
const MAX_SAMPLES = 240;

let samples: CountSample[] = [];
const listeners = new Set<() => void>();

export function pushSample(sample: CountSample): void {
  const last = samples[samples.length - 1];
  // Collapse samples closer than a second: status polls and events often coincide.
  if (last && sample.at - last.at < 1000) {
    samples = [...samples.slice(0, -1), sample];
  } else {
    samples = [...samples, sample].filter((s) => sample.at - s.at <= SERIES_WINDOW_MS).slice(-MAX_SAMPLES);
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useConntrackSeries(current: { flows: number; expectations: number } | undefined): CountSample[] {
  useEffect(() => {
    if (current) pushSample({ at: Date.now(), flows: current.flows, expectations: current.expectations });
  }, [current]);
  useLiveEvent(['hello', 'conntrack'], (data) => {
    const d = data as { flows?: unknown; expectations?: unknown } | null;
    if (typeof d?.flows === 'number' && typeof d.expectations === 'number') {
      pushSample({ at: Date.now(), flows: d.flows, expectations: d.expectations });
    }
  });
  return useSyncExternalStore(
    subscribe,
    () => samples,
    () => samples,
  );
}
