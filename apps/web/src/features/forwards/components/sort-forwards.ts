/** The forward list's order and filter, as kept in the page's URL (?q=&sort=&dir=). */
import type { Api } from '../../../lib/types';

export const SORT_KEYS = ['position', 'name', 'ports', 'target', 'enabled', 'hits'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'asc' | 'desc';

export interface ListView {
  q: string;
  sort: SortKey;
  dir: SortDir;
}

export function viewOf(params: URLSearchParams): ListView {
  const sort = params.get('sort');
  return {
    q: params.get('q') ?? '',
    sort: (SORT_KEYS as readonly string[]).includes(sort ?? '') ? (sort as SortKey) : 'position',
    dir: params.get('dir') === 'desc' ? 'desc' : 'asc',
  };
}

export function paramsOf(v: ListView): Record<string, string> {
  const p: Record<string, string> = {};
  if (v.q) p.q = v.q;
  if (v.sort !== 'position') p.sort = v.sort;
  if (v.dir === 'desc') p.dir = 'desc';
  return p;
}

export function matches(f: Api['PortForward'], q: string): boolean {
  const needle = q.trim().toLowerCase();
  if (!needle) return true;
  return [f.id, f.name, f.publicPorts, f.target, String(f.targetPort ?? ''), f.comment, f.protocol, ...f.allowedSources]
    .join(' ')
    .toLowerCase()
    .includes(needle);
}

/** First port of a spec ("8000-8100,22" -> 8000), for a numeric order. */
const firstPort = (spec: string) => Number.parseInt(spec, 10) || 0;

/** IPv4 as a number, so 192.168.1.10 comes after 192.168.1.9. */
const ipv4 = (a: string) => a.split('.').reduce((n, part) => n * 256 + (Number.parseInt(part, 10) || 0), 0);

export function sortForwards(
  list: readonly Api['PortForward'][],
  sort: SortKey,
  dir: SortDir,
  hitsOf: (id: string) => number,
): Api['PortForward'][] {
  const rows = list.slice();
  if (sort === 'position') return dir === 'desc' ? rows.reverse() : rows;
  const by: Record<Exclude<SortKey, 'position'>, (a: Api['PortForward'], b: Api['PortForward']) => number> = {
    name: (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
    ports: (a, b) => firstPort(a.publicPorts) - firstPort(b.publicPorts),
    target: (a, b) => ipv4(a.target) - ipv4(b.target) || (a.targetPort ?? 0) - (b.targetPort ?? 0),
    enabled: (a, b) => Number(a.enabled) - Number(b.enabled),
    hits: (a, b) => hitsOf(a.id) - hitsOf(b.id),
  };
  const cmp = by[sort];
  // Stable: equal rows keep the model's order, in either direction.
  return rows.sort((a, b) => (dir === 'desc' ? cmp(b, a) : cmp(a, b)));
}
