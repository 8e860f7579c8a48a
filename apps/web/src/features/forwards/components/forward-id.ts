/**
 * A forward's id from its name: a slug of the name's latin letters and
 * digits, or, when the name has none (ウェブ), `fwd-` and a short hash of the
 * name; either way unique among the ids given (a `-2`, `-3`... suffix).
 * The operator can still type another id.
 */
const MAX_ID = 40;

export function slug(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_ID)
    .replace(/-+$/, '');
}

/** FNV-1a of the name's UTF-16 units, in base 36 (6 characters at most). */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36).slice(0, 6);
}

/** `base`, or `base-2`, `base-3`... whichever is not in `taken`, at most 40 characters. */
export function uniqueId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const id = `${base.slice(0, MAX_ID - suffix.length).replace(/-+$/, '')}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

export function idFromName(name: string, taken: ReadonlySet<string>): string {
  const trimmed = name.trim();
  if (!trimmed) return '';
  return uniqueId(slug(trimmed) || `fwd-${shortHash(trimmed)}`, taken);
}
