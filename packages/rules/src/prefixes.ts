/**
 * IPv4 source prefixes as address intervals, to find the ones a list holds
 * twice. Prefixes either nest or are disjoint, so an overlap is always one
 * prefix inside (or equal to) another. A forward's sources become keys of a
 * concatenated interval map, where nft refuses two overlapping keys ("File
 * exists"; with many ports, "No buffer space available", see model.ts).
 */

import { coded, type IssueParams } from './issues.js';

export interface PrefixInterval {
  /** Position in the list. */
  index: number;
  text: string;
  first: number;
  last: number;
}

const PREFIX_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** The addresses a prefix ("10.0.0.0/8", "192.0.2.7") covers, or undefined when it is not one. */
export function prefixInterval(text: string, index = 0): PrefixInterval | undefined {
  if (typeof text !== 'string' || text.length > 18) return undefined;
  const m = PREFIX_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  const len = m[5] === undefined ? 32 : Number(m[5]);
  if (len > 32) return undefined;
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - len);
  const first = value - (value % size);
  return { index, text, first, last: first + size - 1 };
}

export interface PrefixOverlap {
  /** The later-listed prefix of the two, where the problem is reported. */
  later: PrefixInterval;
  earlier: PrefixInterval;
}

/**
 * Each prefix that overlaps one listed before it (once), in O(k log k). Entries that
 * are not prefixes are skipped (their own check reports them).
 */
export function prefixOverlaps(prefixes: readonly string[]): PrefixOverlap[] {
  const intervals = prefixes
    .map((p, i) => prefixInterval(p, i))
    .filter((x): x is PrefixInterval => x !== undefined)
    // Widest first at the same start, so a covering prefix precedes what it covers.
    .sort((a, b) => a.first - b.first || b.last - a.last || a.index - b.index);
  const out: PrefixOverlap[] = [];
  const reported = new Set<number>();
  let cover: PrefixInterval | undefined;
  for (const cur of intervals) {
    if (cover && cur.first <= cover.last) {
      const pair = cur.index > cover.index ? { later: cur, earlier: cover } : { later: cover, earlier: cur };
      if (!reported.has(pair.later.index)) out.push(pair);
      reported.add(pair.later.index);
    } else {
      cover = cur;
    }
  }
  return out;
}

/** The code and params of prefixOverlapMessage's problem. */
export function prefixOverlapIssue({ later, earlier }: PrefixOverlap): IssueParams {
  const code =
    later.first === earlier.first && later.last === earlier.last
      ? 'sources.same'
      : later.last - later.first < earlier.last - earlier.first
        ? 'sources.within'
        : 'sources.covers';
  return coded(code, { prefix: later.text, other: earlier.text });
}

export function prefixOverlapMessage({ later, earlier }: PrefixOverlap): string {
  const relation =
    later.first === earlier.first && later.last === earlier.last
      ? `is the same source as ${earlier.text}`
      : later.last - later.first < earlier.last - earlier.first
        ? `lies within ${earlier.text}`
        : `covers ${earlier.text}`;
  return `${later.text} ${relation}, listed before; list each source once (nft refuses overlapping source prefixes)`;
}
