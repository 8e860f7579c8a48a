/**
 * The dashboard's TFTP helper card, next to FTP's, from `status.tftp`: on or
 * off, its ports, and where nf_nat_tftp stands (with the warning when the
 * helper is on without it), in English and Japanese.
 */
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { TftpCard } from '../src/features/dashboard/components/TftpCard';
import i18n from '../src/lib/i18n';
import type { Api } from '../src/lib/types';

afterEach(() => {
  cleanup();
  void i18n.changeLanguage('en');
});

const status = (tftp: Api['Status']['tftp']) => ({ tftp }) as Api['Status'];

describe('the dashboard’s TFTP card', () => {
  it('shows the helper on, its ports and nf_nat_tftp built in', () => {
    render(
      <TftpCard
        status={status({ enabled: true, ports: [69, 6969], natTftp: { state: 'builtin', evidence: '/sys/module' } })}
      />,
    );
    const card = screen.getByRole('article', { name: 'TFTP helper' });
    expect(within(card).getByText('69, 6969')).toBeTruthy();
    expect(within(card).getByText('On')).toBeTruthy();
    expect(within(card).getByText('nf_nat_tftp').nextElementSibling?.textContent).toBe('built in');
    expect(within(card).queryByText(/nf_nat_tftp is not loaded/)).toBeNull();
  });

  it('warns when the helper is on and nf_nat_tftp is missing; says it in Japanese', async () => {
    await i18n.changeLanguage('ja');
    render(<TftpCard status={status({ enabled: true, ports: [69], natTftp: { state: 'missing', evidence: '-' } })} />);
    const card = screen.getByRole('article', { name: 'TFTP ヘルパー' });
    expect(within(card).getByText('nf_nat_tftp').nextElementSibling?.textContent).toBe('未ロード');
    expect(within(card).getByText(/nf_nat_tftp がロードされていません/)).toBeTruthy();
  });

  it('shows the helper off without a warning', () => {
    render(<TftpCard status={status({ enabled: false, ports: [69], natTftp: null })} />);
    const card = screen.getByRole('article', { name: 'TFTP helper' });
    expect(within(card).getByText('Off')).toBeTruthy();
    expect(within(card).queryByText(/is not loaded/)).toBeNull();
  });
});
