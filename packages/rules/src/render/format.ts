/**
 * Quoting and number/range/set formatting for nft text, in one place. The
 * model already forbids quotes and backslashes in names and comments (nft
 * strings have no escapes), so quoting here is plain wrapping.
 */
import { formatRange, type PortRange } from '../ports.js';

export function q(text: string): string {
  if (/["\\\n\r]/.test(text)) throw new Error(`cannot quote ${JSON.stringify(text)} for nft`);
  return `"${text}"`;
}

/** nft rule/element comments are limited to 128 bytes. */
export function comment(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  const clipped =
    bytes.length <= 128
      ? text
      : `${Buffer.from(bytes.subarray(0, 125))
          .toString('utf8')
          .replace(/\uFFFD+$/, '')}...`;
  return `comment ${q(clipped)}`;
}

/** An anonymous set, or its single member bare (nft lists single-member sets that way too). */
export function anonSet(members: readonly string[]): string {
  if (members.length === 0) throw new Error('empty anonymous set');
  return members.length === 1 ? (members[0] as string) : `{ ${members.join(', ')} }`;
}

export function portSet(ranges: readonly PortRange[]): string {
  return anonSet(ranges.map(formatRange));
}

export function ifnames(names: readonly string[]): string {
  return anonSet(names.map(q));
}

/** Orders IPv4 addresses/prefixes numerically, for deterministic output. */
export function compareIpv4(a: string, b: string): number {
  const key = (s: string) => {
    const [addr, len] = s.split('/');
    const n = (addr ?? '').split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    return n * 64 + (len === undefined ? 32 : Number(len));
  };
  return key(a) - key(b);
}

export function indent(lines: readonly string[], depth: number): string[] {
  const pad = '\t'.repeat(depth);
  return lines.map((l) => (l === '' ? '' : pad + l));
}
