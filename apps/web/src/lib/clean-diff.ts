/**
 * A unified diff as an operator reads it: without the separator and index
 * lines of the patch format, and without changes that are only a trailing
 * comma (nft lists a set's last element without one, so adding an element
 * "changes" the line before it).
 */
const noise = (line: string) => line.startsWith('Index:') || /^={3,}\s*$/.test(line);
const bare = (line: string) => line.slice(1).replace(/,\s*$/, '').trimEnd();

export function cleanDiff(diff: string): string {
  const lines = diff.split('\n').filter((l) => !noise(l));
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const isDel = line.startsWith('-') && !line.startsWith('---');
    if (!isDel) {
      out.push(line);
      i++;
      continue;
    }
    // One block of removals followed by additions: pairs equal but for a comma become context.
    const dels: string[] = [];
    while (i < lines.length && (lines[i] as string).startsWith('-') && !(lines[i] as string).startsWith('---'))
      dels.push(lines[i++] as string);
    const adds: string[] = [];
    while (i < lines.length && (lines[i] as string).startsWith('+') && !(lines[i] as string).startsWith('+++'))
      adds.push(lines[i++] as string);
    const unmatched = new Map<string, number>();
    for (const d of dels) unmatched.set(bare(d), (unmatched.get(bare(d)) ?? 0) + 1);
    const same = new Set<number>();
    adds.forEach((a, k) => {
      const n = unmatched.get(bare(a)) ?? 0;
      if (n > 0) {
        unmatched.set(bare(a), n - 1);
        same.add(k);
      }
    });
    const kept = new Map<string, number>();
    for (const [k, n] of unmatched) kept.set(k, n);
    for (const d of dels) {
      const n = kept.get(bare(d)) ?? 0;
      if (n > 0) {
        kept.set(bare(d), n - 1);
        out.push(d);
      }
    }
    adds.forEach((a, k) => {
      out.push(same.has(k) ? ` ${a.slice(1)}` : a);
    });
  }
  return out.join('\n');
}
