/**
 * Port specifications as an operator types them ("21", "1-1023",
 * "80,443,8000-8100") and the few set operations the validator and the
 * compiler need. Kept free of zod and nft so both sides can share it.
 */
import { coded, type IssueParams } from './issues.js';

export interface PortRange {
  from: number;
  to: number;
}

/**
 * Longest spec we read. 1024 characters hold a list of some 200 ports; the
 * limit is checked before any parsing so no input can make the parser slow
 * (a single regex over the whole spec overflowed V8's regex stack at ~4 MB).
 */
export const MAX_PORT_SPEC_LENGTH = 1024;

/** One list item: a port or a range, each number at most five digits. */
const PORT_ITEM_RE = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/;

/** A problem carries its English message and the code and params a translating client reads. */
export type PortSpecProblem = { ok: false; message: string; issue: IssueParams } | { ok: true; ranges: PortRange[] };

const FORMAT_HINT = 'use a port (80), a range (8000-8100) or a comma-separated list of them';

/** Parses a port spec; the message explains the first problem found. Never throws. */
export function parsePortSpec(spec: string): PortSpecProblem {
  if (typeof spec !== 'string') return { ok: false, message: FORMAT_HINT, issue: coded('ports.format') };
  if (spec.length > MAX_PORT_SPEC_LENGTH) {
    return {
      ok: false,
      message: `a port list is at most ${MAX_PORT_SPEC_LENGTH} characters`,
      issue: { code: 'too_long', maximum: MAX_PORT_SPEC_LENGTH },
    };
  }
  const ranges: PortRange[] = [];
  // Items are matched one by one with a bounded regex, so the work is linear in the length.
  for (const part of spec.split(',')) {
    const m = PORT_ITEM_RE.exec(part.trim());
    if (!m) return { ok: false, message: FORMAT_HINT, issue: coded('ports.format') };
    const from = Number.parseInt(m[1] as string, 10);
    const to = m[2] === undefined ? from : Number.parseInt(m[2], 10);
    for (const p of [from, to]) {
      if (p < 1 || p > 65535) {
        return { ok: false, message: `port ${p} is outside 1-65535`, issue: coded('ports.out_of_range', { port: p }) };
      }
    }
    if (to < from) {
      return {
        ok: false,
        message: `range ${from}-${to} runs backwards`,
        issue: coded('ports.backwards', { from, to }),
      };
    }
    ranges.push({ from, to });
  }
  const sorted = [...ranges].sort((x, y) => x.from - y.from);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as PortRange;
    const cur = sorted[i] as PortRange;
    if (cur.from <= prev.to) {
      const [a, b] = [formatRange(prev), formatRange(cur)];
      return {
        ok: false,
        message: `${a} and ${b} overlap within the list`,
        issue: coded('ports.overlap_in_list', { a, b }),
      };
    }
  }
  return { ok: true, ranges: sorted };
}

/** The ranges of a spec, or none when it is invalid (for rules that must cope with unchecked fields). */
export function portRangesOrNone(spec: string): PortRange[] {
  const parsed = parsePortSpec(spec);
  return parsed.ok ? parsed.ranges : [];
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
