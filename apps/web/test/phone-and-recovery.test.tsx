import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { type Column, DataTable } from '../src/components/DataTable';
import { isChunkLoadError } from '../src/components/RouteError';
import '../src/lib/i18n';

afterEach(cleanup);

interface Flow {
  id: string;
  ports: string;
}

describe('DataTable on a phone', () => {
  it('labels every cell with its column (data-label): the header text, or `label` when the header is not text', () => {
    const columns: Column<Flow>[] = [
      { key: 'id', header: 'Name', rowHeader: true, cell: (f) => f.id },
      { key: 'ports', header: <abbr title="Public ports">Ports</abbr>, label: 'Public ports', cell: (f) => f.ports },
      { key: 'actions', header: <span />, className: 'actions', cell: () => <button type="button">Edit</button> },
    ];
    render(
      <DataTable
        label="Forwards"
        columns={columns}
        rows={[{ id: 'web', ports: '80' }]}
        rowKey={(f) => f.id}
        empty="-"
      />,
    );
    const table = screen.getByRole('table', { name: 'Forwards' });
    expect(table.closest('.table-stack')).not.toBeNull();
    const row = within(table).getAllByRole('row')[1] as HTMLElement;
    expect(within(row).getByRole('rowheader').dataset.label).toBe('Name');
    const [ports, actions] = within(row).getAllByRole('cell');
    expect(ports?.dataset.label).toBe('Public ports');
    expect(actions?.hasAttribute('data-label')).toBe(false);
  });
});

describe('isChunkLoadError', () => {
  it("recognises each browser's failed dynamic import, and nothing else", () => {
    for (const message of [
      'Failed to fetch dynamically imported module: http://192.168.1.1:8080/assets/HistoryPage-DGtoeXfd.js',
      'error loading dynamically imported module: http://gw/assets/FtpPage-1.js',
      'Importing a module script failed.',
      'Unable to preload CSS for /assets/index-1.css',
    ]) {
      expect(isChunkLoadError(new TypeError(message)), message).toBe(true);
    }
    expect(isChunkLoadError(new TypeError("Cannot read properties of undefined (reading 'map')"))).toBe(false);
    expect(isChunkLoadError({ status: 404 })).toBe(false);
    expect(isChunkLoadError(null)).toBe(false);
  });
});
