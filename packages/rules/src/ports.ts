/**
 * Port specifications as an operator types them ("21", "1-1023",
 * "80,443,8000-8100") and the few set operations the validator and the
 * compiler need. Kept free of zod and nft so both sides can share it.
 */

export interface PortRange {
  from: number;
  to: number;
}

const PORT_SPEC_RE = /^\s*\d{1,5}(\s*-\s*\d{1,5})?(\s*,\s*\d{1,5}(\s*-\s*\d{1,5})?)*\s*$/;

export type PortSpecProblem = { ok: false; message: string } | { ok: true; ranges: PortRange[] };

/** Parses a port spec; the message explains the first problem found. */
export function parsePortSpec(spec: string): PortSpecProblem {
  if (!PORT_SPEC_RE.test(spec)) {
    return { ok: false, message: 'use a port (80), a range (8000-8100) or a comma-separated list of them' };
  }
  const ranges: PortRange[] = [];
  for (const part of spec.split(',')) {
    const [a, b] = part.split('-').map((s) => Number.parseInt(s.trim(), 10));
    const from = a as number;
    const to = b ?? from;
    for (const p of [from, to]) {
      if (p < 1 || p > 65535) return { ok: false, message: `port ${p} is outside 1-65535` };
    }
    if (to < from) return { ok: false, message: `range ${from}-${to} runs backwards` };
    ranges.push({ from, to });
  }
  const sorted = [...ranges].sort((x, y) => x.from - y.from);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as PortRange;
    const cur = sorted[i] as PortRange;
    if (cur.from <= prev.to) {
      return { ok: false, message: `${formatRange(prev)} and ${formatRange(cur)} overlap within the list` };
    }
  }
  return { ok: true, ranges: sorted };
}

/** Ranges of a spec already known to be valid (the model guarantees it). */
export function portRanges(spec: string): PortRange[] {
  const parsed = parsePortSpec(spec);
  if (!parsed.ok) throw new Error(`invalid port spec "${spec}": ${parsed.message}`);
  return parsed.ranges;
}

export function formatRange(r: PortRange): string {
  return r.from === r.to ? String(r.from) : `${r.from}-${r.to}`;
}

export function rangesOverlap(a: PortRange, b: PortRange): boolean {
  return a.from <= b.to && b.from <= a.to;
}

/** The ports two range lists have in common, as ranges (for error messages). */
export function intersect(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
  const out: PortRange[] = [];
  for (const x of a) {
    for (const y of b) {
      if (rangesOverlap(x, y)) out.push({ from: Math.max(x.from, y.from), to: Math.min(x.to, y.to) });
    }
  }
  return out.sort((p, q) => p.from - q.from);
}

export function containsPort(ranges: readonly PortRange[], port: number): boolean {
  return ranges.some((r) => r.from <= port && port <= r.to);
}

export function portCount(ranges: readonly PortRange[]): number {
  return ranges.reduce((n, r) => n + (r.to - r.from + 1), 0);
}
