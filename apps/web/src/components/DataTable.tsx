import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { QueryState, type QueryStatus } from './QueryState';

export interface ColumnHead {
  key: string;
  header: ReactNode;
  /** Class of its header cell (e.g. num, to align it with right-aligned numbers). */
  headerClassName?: string;
}

export interface Column<Row> extends ColumnHead {
  /** Class of the column's cells (e.g. mono, actions). */
  className?: string;
  /** The cell that names the row, read first by a screen reader: drawn as <th scope="row">. */
  rowHeader?: boolean;
  /** The value's label in the phone layout's stacked rows; the header's text by default (needed when the header is not plain text). */
  label?: string;
  cell: (row: Row) => ReactNode;
}

/** Each cell says which column it is (data-label), so the phone layout can label every value. */
function labelOf(c: Column<never>): string | undefined {
  return c.label ?? (typeof c.header === 'string' ? c.header : undefined);
}

/** The header row; the connections page's virtualized table draws it too. */
export function TableHead({ columns, rowIndex }: { columns: ColumnHead[]; rowIndex?: number }) {
  return (
    <thead>
      <tr aria-rowindex={rowIndex}>
        {columns.map((c) => (
          <th key={c.key} scope="col" className={c.headerClassName}>
            {c.header}
          </th>
        ))}
      </tr>
    </thead>
  );
}

/** What an infinite query offers for the "load more" button under the table. */
export interface MorePages {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
}

/**
 * The table scaffold of every list page: loading and error states of the
 * query it shows, the empty state, a caption for screen readers, the header,
 * one row per item, an optional detail row under a row, and "load more".
 * On a phone (styles.css, `.table-stack`) each row becomes a card of labelled
 * values with its actions at the bottom, still the same table underneath.
 */
export function DataTable<Row>({
  label,
  columns,
  rows,
  rowKey,
  rowClassName,
  detail,
  empty,
  query,
  pages,
  dense = true,
}: {
  /** The table's caption (visually hidden). */
  label: string;
  /** `false` entries are left out, for columns shown to some roles only. */
  columns: Array<Column<Row> | false>;
  rows: readonly Row[];
  rowKey: (row: Row) => string | number;
  rowClassName?: (row: Row) => string | undefined;
  /** A full-width row under a row (e.g. a revision's diff); its id lets a button point at it. */
  detail?: (row: Row) => { id: string; content: ReactNode } | null;
  empty: ReactNode;
  /** The query the rows come from: its loading and error states replace or head the table. */
  query?: QueryStatus;
  pages?: MorePages;
  dense?: boolean;
}) {
  const { t } = useTranslation();
  const shown = columns.filter((c): c is Column<Row> => c !== false);
  const table =
    rows.length === 0 ? (
      <p className="empty">{empty}</p>
    ) : (
      <div className="table-wrap table-stack">
        <table className={dense ? 'table table-dense' : 'table'}>
          <caption className="visually-hidden">{label}</caption>
          <TableHead columns={shown} />
          <tbody>
            {rows.map((row) => {
              const more = detail?.(row);
              return (
                <Fragment key={rowKey(row)}>
                  <tr className={rowClassName?.(row)}>
                    {shown.map((c) =>
                      c.rowHeader ? (
                        <th key={c.key} scope="row" className={c.className} data-label={labelOf(c)}>
                          {c.cell(row)}
                        </th>
                      ) : (
                        <td key={c.key} className={c.className} data-label={labelOf(c)}>
                          {c.cell(row)}
                        </td>
                      ),
                    )}
                  </tr>
                  {more ? (
                    <tr id={more.id} className="row-detail">
                      <td colSpan={shown.length}>{more.content}</td>
                    </tr>
                  ) : null}
                </Fragment>
              );
            })}
          </tbody>
        </table>
        {pages?.hasNextPage ? (
          <button
            type="button"
            className="btn"
            disabled={pages.isFetchingNextPage}
            onClick={() => void pages.fetchNextPage()}
          >
            {pages.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
          </button>
        ) : null}
      </div>
    );
  return query ? <QueryState query={query}>{() => table}</QueryState> : table;
}
