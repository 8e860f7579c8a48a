/**
 * Values as nft's JSON prints them (a number, a string, `{range}`, `{prefix}`,
 * `{set}`, `{elem: {val}}`, `{concat}`, an array of ct flags), tested against
 * a packet's field or read back as ports, addresses and names.
 */
import type { PortRange } from '../ports.js';
import type { Json } from './ruleset.js';

/** `{elem: {val, comment, counter}}` -> val. */
export function unwrap(v: unknown): unknown {
  const e = (v as Json | null)?.elem as Json | undefined;
  return e && 'val' in e ? e.val : v;
}

/** The members of a right-hand side: a set's elements, a flag list, or the single value. */
export function members(right: unknown): unknown[] {
  const r = right as Json | null;
  if (Array.isArray(right)) return right.map(unwrap);
  if (r && typeof r === 'object' && Array.isArray(r.set)) return (r.set as unknown[]).map(unwrap);
  return [unwrap(right)];
}

export function ipv4ToNumber(addr: string): number | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function inPrefix(addr: string, net: string, len: number): boolean {
  const a = ipv4ToNumber(addr);
  const b = ipv4ToNumber(net);
  if (a === undefined || b === undefined) return false;
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(b / size);
}

/** One member against one packet value. */
export function memberMatches(member: unknown, value: string | number): boolean {
  if (typeof member === 'number' || typeof member === 'string') {
    if (typeof member === 'string' && typeof value === 'string' && member.endsWith('*')) {
      return value.startsWith(member.slice(0, -1)); // nft's interface wildcard "eth*"
    }
    return member === value;
  }
  const m = member as Json | null;
  if (!m || typeof m !== 'object') return false;
  if (Array.isArray(m.range)) {
    const [a, b] = m.range as unknown[];
    if (typeof value === 'number' && typeof a === 'number' && typeof b === 'number') return value >= a && value <= b;
    if (typeof value === 'string' && typeof a === 'string' && typeof b === 'string') {
      const v = ipv4ToNumber(value);
      const lo = ipv4ToNumber(a);
      const hi = ipv4ToNumber(b);
      return v !== undefined && lo !== undefined && hi !== undefined && v >= lo && v <= hi;
    }
    return false;
  }
  if (m.prefix && typeof value === 'string') {
    const p = m.prefix as Json;
    return typeof p.addr === 'string' && typeof p.len === 'number' && inPrefix(value, p.addr, p.len);
  }
  return false;
}

/** Port ranges of a right-hand side, or undefined when it is not only ports. */
/** A port as nft prints one: an integer 0-65535 (a hostile listing may hold 1e308, where `p++` never moves). */
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;

export function portRangesOf(right: unknown): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const m of members(right)) {
    if (isPort(m)) out.push({ from: m, to: m });
    else if (Array.isArray((m as Json | null)?.range)) {
      const [a, b] = (m as { range: unknown[] }).range;
      if (!isPort(a) || !isPort(b) || a > b) return undefined;
      out.push({ from: a, to: b });
    } else return undefined;
  }
  return out.sort((x, y) => x.from - y.from);
}

/** Addresses and prefixes (`a.b.c.d`, `a.b.c.d/n`) of a right-hand side; undefined for ranges and the rest. */
export function addressesOf(right: unknown): string[] | undefined {
  const out: string[] = [];
  for (const m of members(right)) {
    if (typeof m === 'string' && ipv4ToNumber(m) !== undefined) out.push(m);
    else if ((m as Json | null)?.prefix) {
      const p = (m as { prefix: { addr: unknown; len: unknown } }).prefix;
      if (typeof p.addr !== 'string' || typeof p.len !== 'number') return undefined;
      out.push(p.len === 32 ? p.addr : `${p.addr}/${p.len}`);
    } else return undefined;
  }
  return out;
}

export function stringsOf(right: unknown): string[] | undefined {
  const out: string[] = [];
  for (const m of members(right)) {
    if (typeof m !== 'string') return undefined;
    out.push(m);
  }
  return out;
}

/** `192.168.1.2`, `192.168.1.2:21` (the text form of an iptables DNAT target). */
export function parseAddrPort(text: string): { addr?: string; port?: number } | undefined {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3})?(?::(\d{1,5}))?$/.exec(text);
  if (!m || (!m[1] && !m[2])) return undefined;
  return { ...(m[1] ? { addr: m[1] } : {}), ...(m[2] ? { port: Number(m[2]) } : {}) };
}
