/** The forward list's pure helpers: ids from names (Japanese too), and order/filter kept in the URL. */
import { PortForward } from '@gatehouse/rules/model';
import { describe, expect, it } from 'vitest';
import { idFromName, slug, uniqueId } from '../src/features/forwards/components/forward-id';
import { paramsOf, sortForwards, viewOf } from '../src/features/forwards/components/sort-forwards';

describe('idFromName', () => {
  it('slugs a latin name', () => {
    expect(idFromName('Web Server (HTTPS)', new Set())).toBe('web-server-https');
  });

  it('gives a Japanese name a valid id, unique in the model', () => {
    const first = idFromName('ウェブ', new Set());
    expect(first).toMatch(/^fwd-[a-z0-9]{1,6}$/);
    expect(PortForward.shape.id.safeParse(first).success).toBe(true);
    expect(idFromName('ウェブ', new Set([first]))).toBe(`${first}-2`);
    expect(idFromName('メール', new Set())).not.toBe(first);
    expect(idFromName('  ', new Set())).toBe('');
  });

  it('keeps a long name within 40 characters, also with a suffix', () => {
    const base = slug('a'.repeat(60));
    expect(base).toHaveLength(40);
    const id = uniqueId(base, new Set([base]));
    expect(id).toHaveLength(40);
    expect(id.endsWith('-2')).toBe(true);
  });
});

describe('the list view in the URL', () => {
  it('reads and writes q, sort and dir, ignoring unknown values', () => {
    const v = viewOf(new URLSearchParams('q=ssh&sort=hits&dir=desc'));
    expect(v).toEqual({ q: 'ssh', sort: 'hits', dir: 'desc' });
    expect(paramsOf(v)).toEqual({ q: 'ssh', sort: 'hits', dir: 'desc' });
    expect(viewOf(new URLSearchParams('sort=evil&dir=up'))).toEqual({ q: '', sort: 'position', dir: 'asc' });
    expect(paramsOf({ q: '', sort: 'position', dir: 'asc' })).toEqual({});
  });

  it('sorts by ports numerically and by target address', () => {
    const f = (id: string, publicPorts: string, target: string) =>
      PortForward.parse({ id, name: id, publicPorts, target });
    const list = [f('a', '8080', '192.168.1.10'), f('b', '22', '192.168.1.9'), f('c', '443', '10.0.0.1')];
    expect(sortForwards(list, 'ports', 'asc', () => 0).map((x) => x.id)).toEqual(['b', 'c', 'a']);
    expect(sortForwards(list, 'target', 'asc', () => 0).map((x) => x.id)).toEqual(['c', 'b', 'a']);
    const hits: Record<string, number> = { a: 5, b: 50, c: 0 };
    expect(sortForwards(list, 'hits', 'desc', (id) => hits[id] ?? 0).map((x) => x.id)).toEqual(['b', 'a', 'c']);
    expect(sortForwards(list, 'position', 'desc', () => 0).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });
});
