import { describe, expect, it } from 'vitest';
import { en } from '../src/locales/en';
import { ja } from '../src/locales/ja';

type Tree = { [key: string]: string | Tree };

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of leaves(value, path)) out.set(k, v);
  }
  return out;
}

// {{name}} and {{name, format}} alike.
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe('translation catalogues', () => {
  const english = leaves(en as Tree);
  const japanese = leaves(ja as Tree);

  it('have exactly the same keys', () => {
    expect([...japanese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('have no empty strings', () => {
    const empty = [...english, ...japanese].filter(([, v]) => v.trim() === '').map(([k]) => k);
    expect(empty).toEqual([]);
  });

  it('use the same interpolation placeholders', () => {
    const mismatched = [...english].filter(
      ([k, v]) => placeholders(v).join() !== placeholders(japanese.get(k) ?? '').join(),
    );
    expect(mismatched.map(([k]) => k)).toEqual([]);
  });
});
