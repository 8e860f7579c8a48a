import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Column, DataTable } from '../src/components/DataTable';
import '../src/lib/i18n';

interface Forward {
  id: string;
  ports: string;
}

const columns: Array<Column<Forward> | false> = [
  { key: 'id', header: 'Name', rowHeader: true, cell: (f) => f.id },
  { key: 'ports', header: 'Ports', headerClassName: 'num', className: 'mono num', cell: (f) => f.ports },
];
const rows: Forward[] = [
  { id: 'web', ports: '80,443' },
  { id: 'ftp', ports: '21' },
];

afterEach(cleanup);

describe('DataTable', () => {
  it('renders the caption, the headers and one row per item, the naming cell as a row header', () => {
    render(<DataTable label="Port forwards" columns={columns} rows={rows} rowKey={(f) => f.id} empty="None yet" />);
    const table = screen.getByRole('table', { name: 'Port forwards' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Name', 'Ports']);
    expect(within(table).getByRole('columnheader', { name: 'Ports' }).className).toBe('num');
    expect(
      within(table)
        .getAllByRole('rowheader')
        .map((h) => h.textContent),
    ).toEqual(['web', 'ftp']);
    const bodyRows = within(table).getAllByRole('row').slice(1);
    expect(bodyRows.map((r) => within(r).getByRole('cell').textContent)).toEqual(['80,443', '21']);
    expect(within(bodyRows[0] as HTMLElement).getByRole('cell').className).toBe('mono num');
    expect(screen.queryByText('None yet')).toBeNull();
  });

  it('leaves out columns given as false', () => {
    render(
      <DataTable
        label="t"
        columns={[columns[0] as Column<Forward>, false]}
        rows={rows}
        rowKey={(f) => f.id}
        empty="-"
      />,
    );
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name']);
  });

  it('shows the empty state instead of a table when there are no rows', () => {
    render(<DataTable label="Port forwards" columns={columns} rows={[]} rowKey={(f) => f.id} empty="None yet" />);
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getByText('None yet').className).toBe('empty');
  });

  it('draws a detail row under its row, across every column', () => {
    render(
      <DataTable
        label="t"
        columns={columns}
        rows={rows}
        rowKey={(f) => f.id}
        detail={(f) => (f.id === 'web' ? { id: 'diff-web', content: 'the diff' } : null)}
        empty="-"
      />,
    );
    const detail = screen.getByText('the diff');
    expect(detail.getAttribute('colspan')).toBe('2');
    expect(detail.parentElement?.id).toBe('diff-web');
    expect(screen.getAllByRole('row').map((r) => r.textContent)).toEqual([
      'NamePorts',
      'web80,443',
      'the diff',
      'ftp21',
    ]);
  });

  it('stands in for the rows while its query loads, and offers the next page', () => {
    const loading = { isPending: true, isLoadingError: false, isRefetchError: false, error: null, data: undefined };
    const { rerender } = render(
      <DataTable
        label="t"
        columns={columns}
        rows={[]}
        rowKey={(f) => f.id}
        empty="None yet"
        query={{ ...loading, refetch: vi.fn() } as never}
      />,
    );
    expect(screen.getByRole('status')).toBeTruthy();
    expect(screen.queryByText('None yet')).toBeNull();

    const fetchNextPage = vi.fn();
    rerender(
      <DataTable
        label="t"
        columns={columns}
        rows={rows}
        rowKey={(f) => f.id}
        empty="None yet"
        query={{ ...loading, isPending: false, data: {}, refetch: vi.fn() } as never}
        pages={{ hasNextPage: true, isFetchingNextPage: false, fetchNextPage }}
      />,
    );
    expect(screen.queryByRole('status')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(fetchNextPage).toHaveBeenCalledOnce();
  });

  it('shows a loading error with a retry in place of the table', () => {
    const refetch = vi.fn();
    const failed = {
      isPending: false,
      isLoadingError: true,
      isRefetchError: false,
      error: new TypeError('Failed to fetch'),
      data: undefined,
      refetch,
    };
    render(<DataTable label="t" columns={columns} rows={[]} rowKey={(f) => f.id} empty="-" query={failed as never} />);
    expect(screen.getByRole('alert').textContent).toContain('The server cannot be reached');
    fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(refetch).toHaveBeenCalledOnce();
  });
});
