/**
 * The pair managed as one, in the UI (issue #16): the Pair page's degraded
 * banner, the peer's state and the failover buttons (admins only); the apply
 * refused because the peer is unreachable, then sent again "on this node
 * only" (?degraded=true), and a revision the peer refused, named with its
 * phase and reason; History's Nodes column; the node selector of
 * Connections (node=, the peer's error), which appears only on a pair node
 * and does not re-render with the pair's polled figures. English and Japanese.
 */
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PairApplyFailure } from '../src/components/PairApplyFailure';
import { ApplyPage } from '../src/features/apply/components/ApplyPage';
import { ConnectionsPage } from '../src/features/connections/components/ConnectionsPage';
import { HistoryPage } from '../src/features/history/components/HistoryPage';
import { PairPage } from '../src/features/pair/components/PairPage';
import { ApiError } from '../src/lib/api';
import { LiveEventsProvider } from '../src/lib/events';
import i18n from '../src/lib/i18n';
import { pairKey, pairQueryOptions, usePairNodes } from '../src/lib/pair';
import type { RefusalPhase } from '../src/lib/pair-apply';
import { sessionKey } from '../src/lib/session';
import type { Api } from '../src/lib/types';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  void i18n.changeLanguage('en');
});

type Reply = [number, unknown];
interface Call {
  method: string;
  url: string;
}

/** fetch answered by `route(method, path with query)`; every call recorded. */
function stubApi(route: (method: string, url: string) => Reply | undefined): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      const method = init?.method ?? 'GET';
      calls.push({ method, url });
      const [status, body] = route(method, url) ?? [404, { error: 'not_found', message: `no mock for ${url}` }];
      return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    }),
  );
  return calls;
}

function renderWith(ui: ReactNode, role: 'admin' | 'viewer' = 'admin', path = '/') {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(sessionKey, { username: role, role, via: 'session' });
  render(
    <QueryClientProvider client={client}>
      <LiveEventsProvider enabled={false}>
        <MemoryRouter initialEntries={[path]}>{ui}</MemoryRouter>
      </LiveEventsProvider>
    </QueryClientProvider>,
  );
  return client;
}

const STATS_NULL = {
  active: null,
  created: null,
  createdFailed: null,
  updated: null,
  updatedFailed: null,
  destroyed: null,
  destroyedFailed: null,
};

function pairStatus(over: Partial<Extract<Api['PairStatus'], { configured: true }>> = {}): Api['PairStatus'] {
  return {
    configured: true,
    node: 'gw-a',
    peer: 'gw-b',
    instances: [
      { name: 'wan', interface: 'eth0', address: '192.0.2.1/24', routerId: 51, state: 'master' },
      { name: 'lan', interface: 'eth1', address: '192.168.1.254/24', routerId: 52, state: 'master' },
    ],
    sync: {
      ok: true,
      stats: {
        internal: { ...STATS_NULL, active: 3 },
        external: { ...STATS_NULL, active: 2 },
        link: {
          device: 'sync0',
          bytesSent: 0,
          bytesReceived: 0,
          packetsSent: 0,
          packetsReceived: 0,
          sendErrors: 0,
          receiveErrors: 0,
        },
        messages: { malformed: 0, lost: 0 },
      },
    },
    lastPrimaryAt: null,
    lastBulkSyncAt: null,
    degraded: false,
    peerState: { reachable: true, error: null, activeRevisionId: 7, inSync: true },
    ...over,
    // Fields the server adds later stay out of this builder: the answer as an older server sends it.
  } as Api['PairStatus'];
}

const DEGRADED: Api['PairStatus'] = pairStatus({
  degraded: true,
  peerState: { reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:9', activeRevisionId: null, inSync: false },
});

describe('the Pair page', () => {
  it('shows the degraded banner and the peer’s state, and an admin fails over after confirming', async () => {
    const calls = stubApi((method, url) => {
      if (url === '/api/v1/pair') return [200, DEGRADED];
      if (method === 'POST' && url === '/api/v1/pair/failover')
        return [200, { node: 'gw-a', peer: 'gw-b', released: ['wan', 'lan'], stillHeld: [] }];
      return undefined;
    });
    renderWith(<PairPage />);
    const banner = await screen.findByRole('alert');
    expect(within(banner).getByRole('heading', { name: 'Degraded: the peer gw-b cannot be reached' })).toBeTruthy();
    expect(within(banner).getByText(/needs the override "Apply on this node only"/)).toBeTruthy();
    expect(within(banner).getByText('connect ECONNREFUSED 127.0.0.1:9')).toBeTruthy();
    const peer = screen.getByText('Its panel answers').closest('dl') as HTMLElement;
    expect(peer.getAttribute('aria-label')).toBe('The peer, gw-b');
    expect(within(peer).getByText('Its panel answers').nextElementSibling?.textContent).toBe('no');
    expect(within(peer).getByText('Its active revision').nextElementSibling?.textContent).toBe('none');

    const pairReads = () => calls.filter((c) => c.url === '/api/v1/pair').length;
    const before = pairReads();
    fireEvent.click(screen.getByRole('button', { name: 'Fail over to gw-b' }));
    expect(screen.getByText(/This node gives up the virtual addresses .*connections continue on gw-b/)).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Yes, fail over' }));
    await screen.findByText('This node gave up the virtual addresses; gw-b takes over in a few seconds.');
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual(['/api/v1/pair/failover']);
    // The pair query is invalidated: the page reads the pair again.
    await waitFor(() => expect(pairReads()).toBeGreaterThan(before));
  });

  it('shows a peer in sync, resumes, and says a refused failover by its code', async () => {
    let stillHeld: string[] | null = null;
    const calls = stubApi((method, url) => {
      if (url === '/api/v1/pair') return [200, pairStatus()];
      if (method === 'POST' && url === '/api/v1/pair/resume') return [200, { node: 'gw-a', started: true }];
      if (method === 'POST' && url === '/api/v1/pair/failover')
        return stillHeld
          ? [200, { node: 'gw-a', peer: 'gw-b', released: ['wan'], stillHeld }]
          : [409, { error: 'not_master', message: 'gw-a holds no virtual address', params: { node: 'gw-a' } }];
      return undefined;
    });
    renderWith(<PairPage />);
    await screen.findByRole('heading', { name: 'The peer, gw-b' });
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText('Same revision as this node').nextElementSibling?.textContent).toBe('in sync');
    expect(screen.getByText('Its active revision').nextElementSibling?.textContent).toBe('#7');
    fireEvent.click(screen.getByRole('button', { name: 'Fail over to gw-b' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, fail over' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'This node holds no virtual address: there is nothing to fail over.',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Resume' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, resume' }));
    await screen.findByText('keepalived runs again on this node.');
    // keepalived did not give up a segment in time: the page says which, rather than "done".
    stillHeld = ['lan'];
    fireEvent.click(screen.getByRole('button', { name: 'Fail over to gw-b' }));
    fireEvent.click(screen.getByRole('button', { name: 'Yes, fail over' }));
    await screen.findByText(/keepalived stopped on this node, but it still held the virtual address of LAN/);
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.url)).toEqual([
      '/api/v1/pair/failover',
      '/api/v1/pair/resume',
      '/api/v1/pair/failover',
    ]);
  });

  it('says a peer that answers but runs another revision apart from an unreachable one', async () => {
    const outOfSync = pairStatus({
      degraded: true,
      peerState: { reachable: true, error: 'peer answered 401 unauthenticated', activeRevisionId: 4, inSync: false },
    });
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, outOfSync] : undefined));
    renderWith(<PairPage />);
    const banner = await screen.findByRole('alert');
    expect(within(banner).getByRole('heading').textContent).toBe('Degraded: gw-b does not run this node’s revision');
    expect(banner.textContent).not.toContain('Apply on this node only');
    expect(within(banner).getByText('peer answered 401 unauthenticated')).toBeTruthy();
    expect(screen.getByText('Same revision as this node').nextElementSibling?.textContent).toBe('not in sync');
  });

  it('while held down by hand says so, offers Resume and not another failover', async () => {
    const held = { ...pairStatus(), heldByHand: true } as Api['PairStatus'];
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, held] : undefined));
    renderWith(<PairPage />);
    await screen.findByText(/This node gave up the virtual addresses by hand \(Fail over\)/);
    expect((screen.getByRole('button', { name: 'Fail over to gw-b' }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByRole('button', { name: 'Resume' }) as HTMLButtonElement).disabled).toBe(false);
    cleanup();
    const running = { ...pairStatus(), heldByHand: false } as Api['PairStatus'];
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, running] : undefined));
    renderWith(<PairPage />);
    await screen.findByRole('heading', { name: 'The peer, gw-b' });
    expect(screen.queryByText(/gave up the virtual addresses by hand/)).toBeNull();
    expect((screen.getByRole('button', { name: 'Fail over to gw-b' }) as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByRole('button', { name: 'Resume' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('gives a viewer no failover or resume button', async () => {
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, DEGRADED] : undefined));
    renderWith(<PairPage />, 'viewer');
    await screen.findByRole('heading', { name: 'Degraded: the peer gw-b cannot be reached' });
    expect(screen.queryByRole('button', { name: /Fail over/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it('offers no failover on a panel that does not know its node (GATEHOUSE_HA_NODE unset)', async () => {
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, pairStatus({ node: null, peerState: null })] : undefined));
    renderWith(<PairPage />);
    await screen.findByText(/does not know which node of the pair it runs on/);
    expect(screen.queryByRole('button', { name: /Fail over/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Resume' })).toBeNull();
  });

  it('says the degraded state in Japanese', async () => {
    await i18n.changeLanguage('ja');
    stubApi((_, url) => (url === '/api/v1/pair' ? [200, DEGRADED] : undefined));
    renderWith(<PairPage />);
    await screen.findByRole('heading', { name: '縮退中: 相手の gw-b に到達できません' });
    expect(screen.getByRole('button', { name: 'gw-b にフェイルオーバー' })).toBeTruthy();
  });
});

const PREVIEW = { script: '', diff: '', appliedRevision: 6, changed: true, drift: null, lockout: [] };
const PENDING = { changed: true, appliedRevision: 6, desiredVersion: 3, sentences: [], lastRejected: null };

function revision(id: number, over: Partial<Api['RevisionSummary']> = {}): Api['RevisionSummary'] {
  return {
    id,
    createdAt: '2026-11-30T12:00:00.000Z',
    author: 'admin',
    kind: 'apply',
    status: 'confirmed',
    comment: '',
    restoredFrom: null,
    active: false,
    nodes: null,
    origin: null,
    ...over,
  } as Api['RevisionSummary'];
}

describe('applying a pair revision', () => {
  it('refused with the peer unreachable: says so and applies on this node only with ?degraded=true', async () => {
    const applies: string[] = [];
    stubApi((method, url) => {
      if (url === '/api/v1/pair') return [200, DEGRADED];
      if (url === '/api/v1/preview') return [200, PREVIEW];
      if (url === '/api/v1/pending') return [200, PENDING];
      if (url === '/api/v1/status') return [200, { pending: null }];
      if (method === 'POST' && url.startsWith('/api/v1/apply')) {
        applies.push(url);
        return url.endsWith('?degraded=true')
          ? [200, { revision: revision(7), pending: null, durationMs: 5, natFtp: null }]
          : [
              409,
              {
                error: 'pair_degraded',
                message: 'the peer gw-b is unreachable',
                peer: 'gw-b',
                params: { peer: 'gw-b' },
              },
            ];
      }
      return undefined;
    });
    renderWith(<ApplyPage />);
    // Said before applying, from GET /pair.
    await screen.findByText(
      'The peer gw-b cannot be reached: an apply now asks first, and then goes to this node only.',
    );
    fireEvent.click(await screen.findByRole('checkbox', { name: /Apply without confirmation/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Apply without confirmation' }));
    const refusal = await screen.findByRole('alert');
    expect(refusal.textContent).toContain('Not applied: the peer gw-b cannot be reached.');
    expect(refusal.textContent).toContain('a change goes to both nodes or to neither; nothing was changed');
    fireEvent.click(within(refusal).getByRole('button', { name: 'Apply on this node only' }));
    await screen.findByText('Revision 7 is applied (without confirmation).');
    expect(applies).toEqual(['/api/v1/apply', '/api/v1/apply?degraded=true']);
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('refused by the peer: names the node, the phase and the reason, and that nothing changed; no override', () => {
    const refused = (phase: RefusalPhase, rolledBack: boolean) =>
      new ApiError(
        409,
        'gw-b refused',
        {
          error: 'pair_peer_refused',
          message: 'gw-b refused',
          node: 'gw-b',
          phase,
          reason: 'a provisional apply is pending on gw-b',
          rolledBack,
          params: { node: 'gw-b', reason: 'a provisional apply is pending on gw-b' },
        },
        null,
      );
    render(<PairApplyFailure error={refused('check', false)} onThisNodeOnly={() => undefined} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('gw-b refused this revision when it was checked.');
    expect(alert.textContent).toContain('a provisional apply is pending on gw-b');
    expect(alert.textContent).toContain('Nothing changed on either node.');
    expect(within(alert).queryByRole('button')).toBeNull();
    cleanup();
    render(<PairApplyFailure action="confirm" error={refused('confirm', false)} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'gw-b refused to confirm this revision.a provisional apply is pending on gw-bThe revision is still provisional on this node',
    );
    cleanup();
    render(<PairApplyFailure error={refused('apply', true)} />);
    expect(screen.getByRole('alert').textContent).toContain(
      'gw-b refused this revision when it was applied.a provisional apply is pending on gw-bThis node had applied it and went back to its previous revision',
    );
  });

  it('says both refusals in Japanese, and nothing for another error', async () => {
    await i18n.changeLanguage('ja');
    const degraded = new ApiError(409, 'x', { error: 'pair_degraded', message: 'x', params: { peer: 'gw-b' } }, null);
    render(<PairApplyFailure error={degraded} onThisNodeOnly={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toContain('適用されませんでした: 相手の gw-b に到達できません。');
    expect(screen.getByRole('button', { name: 'このノードだけに適用' })).toBeTruthy();
    cleanup();
    const other = new ApiError(409, 'busy', { error: 'apply_in_progress', message: 'busy' }, null);
    const { container } = render(<PairApplyFailure error={other} />);
    expect(container.innerHTML).toBe('');
  });

  it('rolls back from History on this node only after the peer was unreachable', async () => {
    const rollbacks: string[] = [];
    stubApi((method, url) => {
      if (url === '/api/v1/pair') return [200, DEGRADED];
      if (url === '/api/v1/status') return [200, { pending: null }];
      if (url.startsWith('/api/v1/revisions?'))
        return [200, { items: [revision(8, { active: true }), revision(5)], nextCursor: null }];
      if (url === '/api/v1/revisions/5/compare') return [200, { currentRevisionId: 8, sentences: [], diff: '' }];
      if (method === 'POST' && url.startsWith('/api/v1/revisions/5/rollback')) {
        rollbacks.push(url);
        return url.endsWith('?degraded=true')
          ? [200, { revision: revision(9), pending: null, durationMs: 5, natFtp: null }]
          : [409, { error: 'pair_degraded', message: 'x', params: { peer: 'gw-b' } }];
      }
      return undefined;
    });
    renderWith(<HistoryPage />);
    fireEvent.click(await screen.findByRole('button', { name: 'Roll back to revision 5' }));
    const form = await screen.findByRole('form', { name: 'Roll back to revision 5' });
    fireEvent.change(within(form).getByLabelText(/Comment/), { target: { value: 'back' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Yes, roll back to 5' }));
    const refusal = await screen.findByRole('alert');
    fireEvent.click(within(refusal).getByRole('button', { name: 'Apply on this node only' }));
    await waitFor(() =>
      expect(rollbacks).toEqual(['/api/v1/revisions/5/rollback', '/api/v1/revisions/5/rollback?degraded=true']),
    );
  });
});

describe('History’s Nodes column', () => {
  it('has a chip per node, marks a revision held by this node only, and a peer’s copy says where it came from', async () => {
    stubApi((_, url) => {
      if (url === '/api/v1/pair') return [200, pairStatus()];
      if (url === '/api/v1/status') return [200, { pending: null }];
      if (url.startsWith('/api/v1/revisions?'))
        return [
          200,
          {
            items: [
              revision(14, { active: true, nodes: ['gw-a', 'gw-b'] }),
              revision(13, { nodes: ['gw-a'] }),
              revision(12, { nodes: ['gw-b', 'gw-a'], origin: { node: 'gw-b', revisionId: 31 } }),
              revision(11, { nodes: null }),
            ],
            nextCursor: null,
          },
        ];
      return undefined;
    });
    renderWith(<HistoryPage />);
    const table = await screen.findByRole('table');
    await within(table).findByRole('columnheader', { name: 'Nodes' });
    const row = (id: number) =>
      within(table)
        .getByRole('rowheader', { name: new RegExp(`^#${id}`) })
        .closest('tr') as HTMLElement;
    const both = within(row(14)).getByRole('list', { name: 'Held by gw-a, gw-b' });
    expect(
      within(both)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['gw-a', 'gw-b']);
    expect(within(row(14)).queryByText('this node only')).toBeNull();
    expect(within(row(13)).getByText('this node only')).toBeTruthy();
    expect(within(row(12)).getByText('from gw-b #31')).toBeTruthy();
    expect(within(row(11)).queryByRole('list')).toBeNull();
  });
});

const EMPTY_FLOWS = { items: [], total: 0, nextCursor: null };

let renders = 0;
/** A page part that shows the node names (as NodeSelect and History do), counting its renders. */
function NodeNamesReader() {
  renders++;
  const nodes = usePairNodes();
  return <p>{nodes ? `${nodes.self}/${nodes.peer}` : 'none'}</p>;
}
/** The Pair page's own reader of the same query, with its polled figures. */
function PairPoller() {
  useQuery(pairQueryOptions());
  return null;
}

describe('the node selector of Connections', () => {
  it('appears on a pair node; the peer’s table is asked with node= and its unreachable peer said', async () => {
    const calls = stubApi((_, url) => {
      if (url === '/api/v1/pair') return [200, pairStatus()];
      if (url.startsWith('/api/v1/conntrack/accounting')) return [200, { counters: true, timestamps: true }];
      if (url.startsWith('/api/v1/expectations')) return [200, { items: [], total: 0 }];
      if (url.startsWith('/api/v1/conntrack?') && url.includes('node=gw-b'))
        return [
          502,
          { error: 'peer_unreachable', message: 'gw-b unreachable', node: 'gw-b', params: { node: 'gw-b' } },
        ];
      if (url.startsWith('/api/v1/conntrack?')) return [200, EMPTY_FLOWS];
      return undefined;
    });
    renderWith(<ConnectionsPage />);
    const select = (await screen.findByLabelText('Node')) as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['This node (gw-a)', 'gw-b']);
    await screen.findByText('No connections match these filters.');
    expect(calls.some((c) => c.url.startsWith('/api/v1/conntrack?') && !c.url.includes('node='))).toBe(true);
    fireEvent.change(select, { target: { value: 'gw-b' } });
    await screen.findByText('The peer gw-b cannot be reached: its table cannot be shown now.');
    expect(screen.getByText(/The table of gw-b is read from its panel every few seconds, not streamed/)).toBeTruthy();
    expect(calls.some((c) => c.url.startsWith('/api/v1/conntrack?') && c.url.includes('node=gw-b'))).toBe(true);
    expect(calls.some((c) => c.url === '/api/v1/expectations?node=gw-b')).toBe(true);
  });

  it('is not there on a gateway that is not a pair node', async () => {
    const calls = stubApi((_, url) => {
      if (url === '/api/v1/pair') return [200, { configured: false }];
      if (url.startsWith('/api/v1/conntrack/accounting')) return [200, { counters: true, timestamps: true }];
      if (url.startsWith('/api/v1/expectations')) return [200, { items: [], total: 0 }];
      if (url.startsWith('/api/v1/conntrack?')) return [200, EMPTY_FLOWS];
      return undefined;
    });
    renderWith(<ConnectionsPage />);
    await waitFor(() => expect(calls.some((c) => c.url === '/api/v1/pair')).toBe(true));
    await screen.findByLabelText('Protocol');
    expect(screen.queryByLabelText('Node')).toBeNull();
  });

  it('reads the node names only: new pair figures do not re-render a page that shows them', async () => {
    stubApi(() => undefined);
    renders = 0;
    const client = renderWith(
      <>
        <NodeNamesReader />
        <PairPoller />
      </>,
    );
    act(() => void client.setQueryData(pairKey, pairStatus()));
    await screen.findByText('gw-a/gw-b');
    await act(() => new Promise((r) => setTimeout(r, 50)));
    const settled = renders;
    for (let i = 1; i <= 5; i++) {
      act(() => void client.setQueryData(pairKey, pairStatus({ lastBulkSyncAt: `2026-11-30T12:00:0${i}.000Z` })));
    }
    // Let the query's batched notifications reach the components.
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(renders).toBe(settled);
    act(() => void client.setQueryData(pairKey, pairStatus({ peer: 'gw-c' })));
    await screen.findByText('gw-a/gw-c');
  });
});
