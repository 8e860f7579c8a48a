/**
 * Which tool wrote a table, recognised by its structure: firewall4's `inet
 * fw4`, firewalld's `inet firewalld`, iptables-nft's tables named after the
 * iptables tables with upper-case hook chains (and xt expressions), Docker's
 * DOCKER chains. Anything else is read as a hand-written ruleset.
 */

import { type Ruleset, type TableRef, tableKey } from './ruleset.js';
import type { WalkedRule } from './walker.js';

export type SourceTool = 'firewall4' | 'firewalld' | 'iptables-nft' | 'docker' | 'hand-written';

export const IPTABLES_TABLES = new Set(['nat', 'filter', 'raw', 'mangle', 'security']);
const IPTABLES_HOOK_CHAINS = new Set(['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING']);

export function isDockerChain(name: string): boolean {
  return /^DOCKER(-|$)/.test(name);
}

function chainsOf(rs: Ruleset, t: TableRef): string[] {
  return [...rs.chains.values()].filter((c) => c.family === t.family && c.table === t.name).map((c) => c.name);
}

export function toolOf(rs: Ruleset, t: TableRef): SourceTool {
  if (t.family === 'inet' && t.name === 'fw4') return 'firewall4';
  if (t.name === 'firewalld') return 'firewalld';
  const chains = chainsOf(rs, t);
  if (chains.some(isDockerChain)) return 'docker';
  const hasXt = [...rs.rules.values()].some(
    (rules) =>
      rules[0]?.family === t.family && rules[0]?.table === t.name && rules.some((r) => r.expr.some((e) => 'xt' in e)),
  );
  if (
    (t.family === 'ip' || t.family === 'ip6') &&
    IPTABLES_TABLES.has(t.name) &&
    (hasXt || chains.some((c) => IPTABLES_HOOK_CHAINS.has(c)))
  ) {
    return 'iptables-nft';
  }
  return 'hand-written';
}

/** Docker's own rules: in its chains, jumping to them, or about its bridges (docker0, br-*). */
export function isDockerRule(r: WalkedRule): boolean {
  if (r.path.some(isDockerChain)) return true;
  if ((r.verb.k === 'jump' || r.verb.k === 'goto') && isDockerChain(r.verb.target)) return true;
  return [...r.context, ...r.conds].some((c) => {
    if ('unknown' in c || !('field' in c.key)) return false;
    if (c.key.field !== 'iifname' && c.key.field !== 'oifname') return false;
    const v = JSON.stringify(c.right);
    return /"(docker\d*|br-[0-9a-f]+)"/.test(v);
  });
}

export function tablesByTool(rs: Ruleset): Map<string, SourceTool> {
  return new Map(rs.tables.map((t) => [tableKey(t.family, t.name), toolOf(rs, t)]));
}
