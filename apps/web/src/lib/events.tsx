/**
 * The live stream: one EventSource for the whole app, shared by every page,
 * read and parsed in a worker (live-source.ts). Its `flows` messages reach
 * the pages as what they change in the open Connections view (flow-delta.ts).
 *
 * The browser's EventSource retries by itself after a network error, but it
 * gives up for good when the server answers with an error status (e.g. 502
 * while the server restarts), so we also reconnect ourselves with a capped
 * backoff. While the stream is down the status says so; when it comes back all
 * queries are refetched, because events sent in the gap are lost.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { API_BASE, paths } from './api';
import type { FlowView } from './flow-delta';
import { createIdleQueue } from './idle-queue';
import type { LiveEventName } from './live-events';
import { createLiveSource, type LiveSource } from './live-source';

export type LiveStatus = 'connecting' | 'open' | 'down';

type Handler = (data: unknown) => void;

interface LiveContextValue {
  status: LiveStatus;
  since: number;
  subscribe(name: LiveEventName, handler: Handler): () => void;
  /** The open Connections view, which the stream's `flows` messages are reduced for; null when none is open. */
  setFlowView(view: FlowView | null): void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

const MAX_BACKOFF_MS = 15_000;

export function LiveEventsProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const queryClient = useQueryClient();
  const handlers = useRef(new Map<string, Set<Handler>>());
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [since, setSince] = useState(() => Date.now());

  const sourceRef = useRef<LiveSource | null>(null);
  /** The open Connections view (flow-delta.ts), kept for a source opened later. */
  const flowView = useRef<FlowView | null>(null);
  const setFlowView = useCallback((view: FlowView | null) => {
    flowView.current = view;
    sourceRef.current?.setFlowView(view);
  }, []);

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let everOpened = false;
    let stopped = false;

    const dispatch = (name: LiveEventName, data: unknown) => {
      for (const h of handlers.current.get(name) ?? []) h(data);
    };
    // Handed to the pages when the page is idle, in the order they came (idle-queue.ts).
    const queue = createIdleQueue<[LiveEventName, unknown]>(([name, data]) => dispatch(name, data));
    // Read and parsed in a worker where there is one (live-source.ts).
    const source = createLiveSource({
      onOpen() {
        attempt = 0;
        setStatus('open');
        setSince(Date.now());
        if (everOpened) void queryClient.invalidateQueries();
        everOpened = true;
      },
      onError(closed) {
        setStatus('down');
        setSince(Date.now());
        if (closed && !stopped) {
          source.close();
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
          attempt += 1;
          timer = setTimeout(connect, delay);
        }
      },
      onEvent: (name, data) => queue.push([name, data]),
    });
    source.setFlowView(flowView.current);
    sourceRef.current = source;

    const connect = () => {
      if (stopped) return;
      setStatus((s) => (s === 'open' ? 'down' : s));
      source.open(`${API_BASE}${paths.events}`);
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source.dispose();
      sourceRef.current = null;
      queue.clear();
    };
  }, [enabled, queryClient]);

  const value = useMemo<LiveContextValue>(
    () => ({
      status,
      since,
      subscribe(name, handler) {
        let set = handlers.current.get(name);
        if (!set) {
          set = new Set();
          handlers.current.set(name, set);
        }
        set.add(handler);
        return () => set.delete(handler);
      },
      setFlowView,
    }),
    [status, since, setFlowView],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

function useLive(): LiveContextValue {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('LiveEventsProvider is missing');
  return ctx;
}

/** Says which Connections view is open (null: none), so that the stream sends what changes in it (flow-delta.ts). */
export function useSetFlowView(): (view: FlowView | null) => void {
  return useLive().setFlowView;
}

export function useLiveStatus(): { status: LiveStatus; since: number } {
  const { status, since } = useLive();
  return { status, since };
}

/** Calls handler for every event of these names; the latest handler is always used. */
export function useLiveEvent(names: LiveEventName | LiveEventName[], handler: Handler): void {
  const { subscribe } = useLive();
  const ref = useRef(handler);
  ref.current = handler;
  const key = Array.isArray(names) ? names.join(',') : names;
  useEffect(() => {
    const list = key.split(',') as LiveEventName[];
    const offs = list.map((n) => subscribe(n, (d) => ref.current(d)));
    return () => {
      for (const off of offs) off();
    };
  }, [key, subscribe]);
}

/** Invalidates the given query keys whenever one of these events arrives (coalesced to one refetch per 500 ms). */
export function useInvalidateOn(
  names: LiveEventName | LiveEventName[],
  queryKeys: readonly (readonly unknown[])[],
): void {
  const queryClient = useQueryClient();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
    },
    [],
  );
  useLiveEvent(names, () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
    }, 500);
  });
}
