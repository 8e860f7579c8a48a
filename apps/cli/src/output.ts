/** Plain-text tables for people; `--json` prints the API's own JSON instead. */
import type { Api } from '@gatehouse/server/schemas';

export type Cell = string | number | boolean | null | undefined;

export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(headers), ...text.map(line)].join('\n')}\n`;
}

/** A conntrack tuple as the API sends it (TupleRow); only the four fields printed are needed. */
export type Tuple = Pick<Api['TupleRow'], 'src' | 'dst' | 'sport' | 'dport'>;

export function endpoint(addr: string, port: number | null): string {
  if (port === null) return addr;
  return addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`;
}

export function tuple(t: Tuple): string {
  return `${endpoint(t.src, t.sport)} -> ${endpoint(t.dst, t.dport)}`;
}
