/**
 * The live stream: one EventSource for the whole app, shared by every page.
 *
 * The browser's EventSource retries by itself after a network error, but it
 * gives up for good when the server answers with an error status (e.g. 502
 * while the server restarts), so we also reconnect ourselves with a capped
 * backoff. While the stream is down the status says so; when it comes back all
 * queries are refetched, because events sent in the gap are lost.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { API_BASE, paths } from './api';
import { createIdleQueue } from './idle-queue';

export type LiveStatus = 'connecting' | 'open' | 'down';

/** Event names the server sends (apps/server/src/routes/events.ts): each message is one named event. */
export const LIVE_EVENTS = [
  /** First message of every connection: { following, flows, expectations, drift }. */
  'hello',
  /** { events: [{ type: new|update|destroy, row: FlowRow }] } */
  'flows',
  /** { events: [{ type, row: ExpectationRow }] } */
  'expectations',
  /** Too many changes to send: reload the tables. */
  'resync',
  /** Conntrack counts and follower state. */
  'conntrack',
  'apply',
  'confirm',
  'rollback',
  'drift',
  'config',
  'audit',
  /** An HA pair's takeover, sync errors, failover and resume by hand: { kind, node, ... } (services/ha). */
  'pair',
] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];

type Handler = (data: unknown) => void;

interface LiveContextValue {
  status: LiveStatus;
  since: number;
  subscribe(name: LiveEventName, handler: Handler): () => void;
}

const LiveContext = createContext<LiveContextValue | null>(null);

const MAX_BACKOFF_MS = 15_000;

export function LiveEventsProvider({ enabled, children }: { enabled: boolean; children: ReactNode }) {
  const queryClient = useQueryClient();
  const handlers = useRef(new Map<string, Set<Handler>>());
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const [since, setSince] = useState(() => Date.now());

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let everOpened = false;
    let stopped = false;

    const dispatch = (name: string, raw: string) => {
      let data: unknown = raw;
      try {
        data = JSON.parse(raw);
      } catch {
        // keep text
      }
      for (const h of handlers.current.get(name) ?? []) h(data);
    };
    // Parsed and handed to the pages when the page is idle, in the order they came (idle-queue.ts).
    const queue = createIdleQueue<[string, string]>(([name, raw]) => dispatch(name, raw));

    const connect = () => {
      if (stopped) return;
      setStatus((s) => (s === 'open' ? 'down' : s));
      source = new EventSource(`${API_BASE}${paths.events}`, { withCredentials: true });
      source.onopen = () => {
        attempt = 0;
        setStatus('open');
        setSince(Date.now());
        if (everOpened) void queryClient.invalidateQueries();
        everOpened = true;
      };
      source.onerror = () => {
        setStatus('down');
        setSince(Date.now());
        if (source?.readyState === EventSource.CLOSED) {
          source.close();
          const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt);
          attempt += 1;
          timer = setTimeout(connect, delay);
        }
      };
      for (const name of LIVE_EVENTS) {
        source.addEventListener(name, (ev) => queue.push([name, (ev as MessageEvent<string>).data]));
      }
    };
    connect();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      source?.close();
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
    }),
    [status, since],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

function useLive(): LiveContextValue {
  const ctx = useContext(LiveContext);
  if (!ctx) throw new Error('LiveEventsProvider is missing');
  return ctx;
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
