/**
 * The FTP doctor page: every code the doctor can send has a sentence in
 * English and Japanese (the English the same as the server's), and the page
 * shows each forward's checklist with its evidence and fix, translated.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FTP_DOCTOR_CODES } from '../../server/src/schemas/ftp-diagnosis';
import { FTP_DOCTOR_TEXT } from '../../server/src/services/ftp-doctor/texts';
import { FtpDoctorPage } from '../src/features/ftp-doctor/components/FtpDoctorPage';
import i18n from '../src/lib/i18n';
import type { Api } from '../src/lib/types';
import { en } from '../src/locales/en';
import { ja } from '../src/locales/ja';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  void i18n.changeLanguage('en');
});

type Tree = { [key: string]: string | Tree };
function at(tree: Tree, key: string): string | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' ? node : undefined;
}

describe('the doctor’s codes', () => {
  it.each([
    ['en', en],
    ['ja', ja],
  ])('each has a sentence in %s', (_, catalogue) => {
    expect(FTP_DOCTOR_CODES.filter((c) => !at(catalogue as Tree, `ftpDoctor.say.${c}`))).toEqual([]);
  });
  it('the English is the server’s, word for word', () => {
    const differ = FTP_DOCTOR_CODES.filter((c) => at(en as Tree, `ftpDoctor.say.${c}`) !== FTP_DOCTOR_TEXT[c]);
    expect(differ).toEqual([]);
  });
});

const say = (code: Api['FtpDoctorSaying']['code'], params: Record<string, string | number> = {}) => ({
  code,
  params,
  text: `server English for ${code}`,
});

const DIAGNOSIS: Api['FtpDiagnosis'] = {
  at: '2026-11-30T12:00:00.000Z',
  appliedRevision: 3,
  status: 'failure',
  forwards: [
    {
      forwardId: 'ftp',
      forwardName: 'FTP',
      server: '192.168.1.2',
      controlPort: 21,
      publicPort: 21,
      ftpsPassivePorts: null,
      status: 'failure',
      checks: [
        {
          check: 'kernel',
          status: 'ok',
          finding: say('kernel.ok', { conntrack: 'builtin', nat: 'builtin' }),
          evidence: [],
          fix: null,
        },
        {
          check: 'helper-scope',
          status: 'failure',
          finding: say('scope.helper_off', { revision: 3 }),
          evidence: [say('evidence.revision', { revision: 3, at: '2026-11-30T11:59:00.000Z' })],
          fix: say('fix.enable_helper'),
        },
        {
          check: 'probe',
          status: 'ok',
          finding: say('probe.ok', { host: '192.168.1.2' }),
          evidence: [say('evidence.banner', { banner: 'Welcome to the FTP service' })],
          fix: null,
        },
      ],
    },
  ],
  tftp: {
    status: 'failure',
    forwards: [
      {
        forwardId: 'tftp',
        forwardName: 'Boot files',
        server: '192.168.1.2',
        port: 69,
        publicPort: 69,
        status: 'failure',
        checks: [
          {
            check: 'kernel',
            status: 'ok',
            finding: say('tftp.kernel_ok', { conntrack: 'builtin', nat: 'builtin' }),
            evidence: [],
            fix: null,
          },
          {
            check: 'probe',
            status: 'failure',
            finding: say('tftp.probe_no_answer', { server: '192.168.1.2', port: 69, seconds: 3 }),
            evidence: [],
            fix: say('tftp.fix_start_server', { server: '192.168.1.2', port: 69 }),
          },
        ],
      },
    ],
  },
};

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });

function renderPage(role: 'admin' | 'viewer' = 'admin') {
  localStorage.setItem('gatehouse.signedIn', '1');
  const fetchMock = vi.fn(async (url: string) =>
    String(url).endsWith('/auth/me') ? json({ id: 1, username: role, role, csrfToken: 'x' }) : json(DIAGNOSIS),
  );
  vi.stubGlobal('fetch', fetchMock);
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <FtpDoctorPage />
    </QueryClientProvider>,
  );
  return fetchMock;
}

describe('FtpDoctorPage', () => {
  it('shows each forward’s checks with status, evidence and fix', async () => {
    renderPage();
    const forward = await screen.findByRole('article', { name: /FTP: public port 21 → 192\.168\.1\.2:21/ });
    expect(
      within(forward).getByText('The kernel has nf_conntrack_ftp (built in) and nf_nat_ftp (built in).'),
    ).toBeTruthy();
    expect(within(forward).getByText('The FTP helper is off in the applied revision 3.')).toBeTruthy();
    const evidence = within(forward).getByRole('list', { name: 'Evidence: Helper scope' });
    expect(evidence.textContent).toMatch(/^Applied revision 3 \(at .*2026.*\)\.$/);
    expect(forward.textContent).toContain('Fix: Turn the FTP helper on (the Helpers page) and apply.');
    // TFTP forwards get their own card, with the same checklist.
    const tftp = screen.getByRole('article', { name: /Boot files: public UDP port 69 → 192\.168\.1\.2:69 TFTP/ });
    expect(
      within(tftp).getByText('The kernel has nf_conntrack_tftp (built in) and nf_nat_tftp (built in).'),
    ).toBeTruthy();
    expect(
      within(tftp).getByText('The gateway got no answer from the TFTP server 192.168.1.2:69 within 3 s.'),
    ).toBeTruthy();
    expect(tftp.textContent).toContain('Fix: Check that the TFTP server runs on 192.168.1.2 port 69');
    expect(within(forward).getAllByText('Failure').length).toBeGreaterThanOrEqual(2);
    expect(screen.getByRole('button', { name: /Check again|Checking/ })).toBeTruthy();
    // The server's own words are set apart as code, not read as the UI's language.
    const banner = within(forward).getByText('Welcome to the FTP service');
    expect(banner.tagName).toBe('CODE');
    expect(banner.parentElement?.textContent).toBe('Banner: Welcome to the FTP service');
  });

  it('tells a viewer it is for admins, without asking the server for a diagnosis', async () => {
    const fetchMock = renderPage('viewer');
    expect(await screen.findByText(/The helper doctor is for admins/)).toBeTruthy();
    expect(fetchMock.mock.calls.map(([url]) => String(url)).filter((u) => u.includes('/ftp/diagnosis'))).toEqual([]);
  });

  it('says it in Japanese', async () => {
    await i18n.changeLanguage('ja');
    renderPage();
    const forward = await screen.findByRole('article', { name: /公開ポート 21/ });
    expect(
      within(forward).getByText('カーネルに nf_conntrack_ftp (組み込み) と nf_nat_ftp (組み込み) があります。'),
    ).toBeTruthy();
    expect(forward.textContent).toContain('FTP ヘルパーをオンにして (ヘルパーページ) 適用してください。');
    const tftp = screen.getByRole('article', { name: /Boot files: 公開 UDP ポート 69/ });
    expect(
      within(tftp).getByText('カーネルに nf_conntrack_tftp (組み込み) と nf_nat_tftp (組み込み) があります。'),
    ).toBeTruthy();
  });
});
