/**
 * The Import page: the summary, the proposal with a live-interface warning,
 * the notes in their three groups (said by code, in English and Japanese),
 * the equivalence report with its differences flagged, and adopting with a
 * table retired (the body and If-Match the server needs), leading to Apply.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IMPORT_NOTE_CODES } from '../../../packages/rules/src/import/notes';
import { ImportPage } from '../src/features/import/components/ImportPage';
import { LiveEventsProvider } from '../src/lib/events';
import i18n from '../src/lib/i18n';
import { sessionKey } from '../src/lib/session';
import type { Api } from '../src/lib/types';
import { en } from '../src/locales/en';
import { ja } from '../src/locales/ja';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  void i18n.changeLanguage('en');
});

const fate = (outcome: string, to: string | null, extra: Partial<Api['ImportEquivalenceRow']['beforeFate']> = {}) => ({
  outcome,
  to,
  helper: null,
  masquerade: outcome === 'forwarded',
  passiveData: null,
  activeData: null,
  text: `${outcome} ${to ?? ''}`,
  ...extra,
});

const PROPOSAL: Api['ImportProposal'] = {
  model: {
    interfaces: { wan: 'wan0', lan: ['eth1'] },
    forwards: [{ id: 'ftp', name: 'ftp server', protocol: 'tcp', publicPorts: '21', target: '192.168.1.2' }],
    gatewayForwards: [{ id: 'ssh', name: 'ssh', protocol: 'tcp', publicPort: 2222, localPort: 22 }],
    ftp: { enabled: true, controlPorts: [21], passiveOnly: false },
    masquerade: { forwardedServers: true, lanToWan: true },
  },
  summary: {
    forwards: 1,
    gatewayForwards: 1,
    helperPorts: [21],
    passiveOnly: false,
    masquerade: { forwardedServers: true, lanToWan: true },
    carried: 1,
    harmless: 1,
    decisions: 1,
    differences: 1,
    message: '1 forward',
  },
  notes: [],
  noteList: [
    {
      group: 'carried',
      code: 'forward.carried',
      params: { name: 'ftp server', proto: 'tcp', ports: '21', target: '192.168.1.2' },
      message: 'forward ftp server: tcp 21 to 192.168.1.2',
      where: null,
    },
    {
      group: 'harmless',
      code: 'default.rule',
      params: { tool: 'firewall4', what: 'ct state invalid drop' },
      message: 'x',
      where: null,
    },
    {
      group: 'decision',
      code: 'reflection.dropped',
      params: { proto: 'tcp', port: 80, target: '192.168.1.2' },
      message: 'x',
      where: 'inet fw4 dstnat_lan handle 7',
    },
  ],
  equivalence: [
    {
      protocol: 'tcp',
      port: '21',
      kind: 'helper port',
      before: 'forwarded',
      after: 'forwarded',
      beforeFate: fate('forwarded', '192.168.1.2:21', {
        helper: 'ftp',
        passiveData: 'accepted',
        activeData: 'dropped',
      }),
      afterFate: fate('forwarded', '192.168.1.2:21', {
        helper: 'ftp',
        passiveData: 'accepted',
        activeData: 'accepted',
      }),
      differs: true,
      differences: ['active data: dropped -> accepted'],
    },
    {
      protocol: 'tcp',
      port: '2222',
      kind: 'gateway forward',
      before: 'gateway',
      after: 'gateway',
      beforeFate: fate('gateway', 'gateway:22'),
      afterFate: fate('gateway', 'gateway:22'),
      differs: false,
      differences: [],
    },
  ],
  sources: ['inet fw4', 'ip docker'],
  tables: [
    { family: 'inet', name: 'fw4', tool: 'firewall4', retirable: true, reason: null },
    { family: 'ip', name: 'nat', tool: 'docker', retirable: false, reason: 'import_table_kept' },
  ],
  interfaces: [
    { name: 'wan0', role: 'wan', live: false },
    { name: 'eth1', role: 'lan', live: true },
  ],
  pendingTakeover: [],
  valid: true,
  problems: [],
  script: 'table ip gatehouse {}',
  diff: '',
  desiredVersion: 3,
};

function renderPage() {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      const body = url.includes('/import/adopt')
        ? { model: PROPOSAL.model, version: 4, retire: [{ family: 'inet', name: 'fw4' }], revision: null }
        : PROPOSAL;
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(sessionKey, { username: 'admin', role: 'admin', via: 'session' });
  render(
    <QueryClientProvider client={client}>
      <LiveEventsProvider enabled={false}>
        <MemoryRouter>
          <ImportPage />
        </MemoryRouter>
      </LiveEventsProvider>
    </QueryClientProvider>,
  );
  return calls;
}

type Tree = { [key: string]: string | Tree };
const at = (tree: Tree, key: string) => (tree.importNote as Tree)[key];

describe('the importer’s note codes', () => {
  it.each([
    ['en', en],
    ['ja', ja],
  ])('each has a sentence in %s', (_, catalogue) => {
    expect(IMPORT_NOTE_CODES.filter((c) => !at(catalogue as unknown as Tree, c))).toEqual([]);
  });
});

describe('ImportPage', () => {
  it('shows the summary, the proposal, the grouped notes and the equivalence report with differences flagged', async () => {
    renderPage();
    await screen.findByRole('heading', { name: 'Summary' });
    expect(screen.getByText('1 port forward, 1 gateway forward')).toBeTruthy();
    expect(screen.getByText('1 port behaves differently')).toBeTruthy();
    expect(screen.getByText('Interface wan0 does not exist on this gateway.')).toBeTruthy();
    const decision = screen.getByRole('region', { name: 'Needs a decision (1)' });
    expect(
      within(decision).getByText(
        'inet fw4 dstnat_lan handle 7: reflection (NAT loopback) for tcp 80: LAN clients using the public address will no longer reach 192.168.1.2',
      ),
    ).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Carried over (1)' })).toBeTruthy();
    expect(screen.getByRole('region', { name: 'Harmless defaults of the source tool (1)' })).toBeTruthy();
    const report = screen.getByRole('table', { name: 'Equivalence report' });
    const differing = within(report).getByRole('rowheader', { name: 'tcp 21' }).closest('tr') as HTMLElement;
    expect(differing.className).toContain('import-differs');
    expect(within(differing).getByText('Differs')).toBeTruthy();
    expect(
      within(differing).getByText(
        'forwarded to 192.168.1.2:21; masqueraded; ftp helper; passive data accepted; active data dropped',
      ),
    ).toBeTruthy();
  });

  it('adopts retiring the chosen table (If-Match of the proposal), never one another tool keeps, then leads to Apply', async () => {
    const calls = renderPage();
    const fw4 = await screen.findByRole('checkbox', { name: /table inet fw4/ });
    const docker = screen.getByRole('checkbox', { name: /table ip nat/ });
    expect((docker as HTMLInputElement).disabled).toBe(true);
    fireEvent.click(fw4);
    fireEvent.click(screen.getByRole('button', { name: 'Adopt the proposal' }));
    await screen.findByText('The apply will also retire: inet fw4.');
    const adopt = calls.find((c) => c.url.includes('/import/adopt'));
    if (!adopt?.init) throw new Error('no adopt request');
    expect(JSON.parse(String(adopt.init.body))).toEqual({ retire: [{ family: 'inet', name: 'fw4' }] });
    expect((adopt.init.headers as Record<string, string>)['If-Match']).toBe('"v3"');
    expect(screen.getByRole('link', { name: 'Review and apply' }).getAttribute('href')).toBe('/apply');
  });

  it('speaks Japanese', async () => {
    await i18n.changeLanguage('ja');
    renderPage();
    await screen.findByRole('heading', { name: '概要' });
    expect(screen.getByText('動作が変わるポートが 1 件あります')).toBeTruthy();
    expect(screen.getByRole('region', { name: '判断が必要なもの (1)' })).toBeTruthy();
  });
});
