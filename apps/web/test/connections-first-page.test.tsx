/**
 * Connections asks for its first page while it renders, not once it has
 * committed (bench 15.3a): a lazily loaded page's first commit waits for
 * React's Suspense reveal throttle, and the request, started from the
 * query's subscription after the commit, used to wait with it. Here the
 * page renders beside a sibling that never resolves, so its tree never
 * commits: the request must be out anyway, once, and a later commit reads
 * the same answer instead of asking again.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, waitFor } from '@testing-library/react';
import { type ReactNode, Suspense, use } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionsPage } from '../src/features/connections/components/ConnectionsPage';
import { LiveEventsProvider } from '../src/lib/events';
import { sessionKey } from '../src/lib/session';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const PAGE = {
  items: [
    {
      id: '4242',
      protocol: 'udp',
      protonum: 17,
      state: null,
      timeout: 3600,
      original: { src: '127.1.1.1', dst: '127.0.0.1', sport: 40000, dport: 10000 },
      reply: { src: '127.0.0.1', dst: '127.1.1.1', sport: 10000, dport: 40000 },
      mark: 0,
      helper: null,
      assured: false,
      unreplied: true,
      zone: null,
      masterId: null,
      masterLinkedBy: null,
      counters: null,
      age: null,
      forward: null,
      panel: false,
    },
  ],
  total: 1,
  nextCursor: null,
  asOf: '2026-11-30T18:00:00.000Z',
};

function stubApi(): string[] {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const path = new URL(url, 'http://x').pathname;
      const body =
        path === '/api/v1/conntrack'
          ? PAGE
          : path === '/api/v1/expectations'
            ? { items: [], total: 0 }
            : path === '/api/v1/pair'
              ? { configured: false, node: null, peer: null }
              : path === '/api/v1/conntrack/accounting'
                ? { counters: true, timestamps: true }
                : null;
      return new Response(JSON.stringify(body ?? { error: 'not_found', message: url }), {
        status: body ? 200 : 404,
        headers: { 'content-type': 'application/json' },
      });
    }),
  );
  return urls;
}

const never = new Promise<never>(() => {});
/** Suspends its boundary for good, so nothing inside it commits. */
function Never(): ReactNode {
  return use(never);
}

function page(client: QueryClient, children: ReactNode) {
  return (
    <QueryClientProvider client={client}>
      <LiveEventsProvider enabled={false}>
        <MemoryRouter initialEntries={['/connections']}>{children}</MemoryRouter>
      </LiveEventsProvider>
    </QueryClientProvider>
  );
}

describe('Connections: the first page', () => {
  it('is asked for while the page renders, before it commits, and only once', async () => {
    const urls = stubApi();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(sessionKey, { username: 'admin', role: 'admin', via: 'session' });
    const flows = () => urls.filter((u) => new URL(u, 'http://x').pathname === '/api/v1/conntrack');

    const view = render(
      page(
        client,
        <Suspense fallback={<p>waiting</p>}>
          <ConnectionsPage />
          <Never />
        </Suspense>,
      ),
    );
    await waitFor(() => expect(flows()).toHaveLength(1));
    expect(flows()[0]).toContain('sort=timeout');
    expect(flows()[0]).toContain('order=desc');
    expect(flows()[0]).toContain('limit=500');
    // Nothing of the page committed.
    expect(screen.getByText('waiting')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();

    // Once it commits, its table is the answer already read (one flow and
    // the header: the virtualizer lays out no row in a DOM without layout): no second request.
    view.rerender(page(client, <ConnectionsPage />));
    const table = await screen.findByRole('table');
    expect(table.getAttribute('aria-rowcount')).toBe('2');
    expect(flows()).toHaveLength(1);
  });
});
