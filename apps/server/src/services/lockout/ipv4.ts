/** IPv4 helpers for the lockout walk: the ruleset is `ip` family, so only IPv4 (and IPv4-mapped) peers meet it. */

/** `::ffff:192.0.2.1` -> `192.0.2.1`; anything else unchanged. */
export function unmap(addr: string): string {
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

export function ipv4Int(a: string): number | null {
  const p = a.split('.').map(Number);
  if (p.length !== 4 || p.some((o) => !Number.isInteger(o) || o < 0 || o > 255)) return null;
  return ((p[0] as number) * 2 ** 24 + (p[1] as number) * 2 ** 16 + (p[2] as number) * 256 + (p[3] as number)) >>> 0;
}

export function isIpv4(addr: string): boolean {
  return ipv4Int(unmap(addr)) !== null;
}

/** Whether an address lies in a prefix ("203.0.113.0/24" or a bare address). */
export function inPrefix(addr: string, prefix: string): boolean {
  const [net, lenText] = prefix.split('/');
  const len = lenText === undefined ? 32 : Number(lenText);
  const a = ipv4Int(unmap(addr));
  const n = ipv4Int(net ?? '');
  if (a === null || n === null) return false;
  if (len === 0) return true;
  const mask = (0xffffffff << (32 - len)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

/** `ip saddr { ... }` as the ruleset renders it: an empty list matches everyone. */
export function admits(allowedSources: readonly string[], saddr: string): boolean {
  return allowedSources.length === 0 || allowedSources.some((p) => inPrefix(saddr, p));
}
