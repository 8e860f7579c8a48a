/**
 * iptables-nft (1.8.9) loads some rules as `xt` expressions: the kernel holds
 * the iptables target or match blob, and `nft -j list ruleset` prints only its
 * name (`{"xt": {"type": "target", "name": "DNAT"}}`). The text listing (`nft
 * -a list ruleset`) prints the translation libxtables gives (`dnat to
 * 192.168.1.2:21`, `tcp dport { 2121, 2222 }` for multiport, `ct state
 * related` for conntrack) and `iptables-nft-save` the rest (`-j CT --helper
 * ftp`, which has no translation). Given either, the xt expressions are read
 * by meaning like native ones; without them they are reported, not guessed.
 */
import type { Cond, Verb } from './expr.js';
import type { Ruleset } from './ruleset.js';
import { parseAddrPort } from './values.js';

export interface XtRuleDetails {
  matches: Map<string, Cond[]>;
  targets: Map<string, Verb>;
}

/** By rule: "family table chain handle". */
export type XtDetails = Map<string, XtRuleDetails>;

/** Text inputs are cut here: a listing of a million rules is not read whole. */
const MAX_TEXT = 8 * 1024 * 1024;

export const ruleKeyOf = (family: string, table: string, chain: string, handle: number) =>
  `${family} ${table} ${chain} ${handle}`;

function portsText(text: string): unknown {
  const t = text.trim();
  const one = (s: string): unknown => {
    const [a, b] = s.trim().split('-');
    if (b !== undefined) return { range: [Number(a), Number(b)] };
    return Number(a);
  };
  if (t.startsWith('{')) return { set: t.slice(1, -1).split(',').map(one) };
  return one(t);
}

function fromText(rule: string): XtRuleDetails {
  const matches = new Map<string, Cond[]>();
  const targets = new Map<string, Verb>();
  const dports = [...rule.matchAll(/\b(tcp|udp) dport (\{[^}]*\}|\S+)/g)].at(-1);
  if (dports) {
    matches.set('multiport', [
      { key: { field: 'dport' }, proto: dports[1] as 'tcp' | 'udp', negate: false, right: portsText(dports[2] ?? '') },
    ]);
  }
  const state = /\bct state ([a-z,]+)/.exec(rule);
  const status = /\bct status ([a-z,]+)/.exec(rule);
  const conntrack: Cond[] = [];
  if (state) conntrack.push({ key: { field: 'ctstate' }, negate: false, right: (state[1] ?? '').split(',') });
  if (status) conntrack.push({ key: { field: 'ctstatus' }, negate: false, right: (status[1] ?? '').split(',') });
  if (conntrack.length > 0) {
    matches.set('conntrack', conntrack);
    matches.set('state', conntrack);
  }
  const helper = /\bct helper "([^"]+)"/.exec(rule);
  if (helper) matches.set('helper', [{ key: { field: 'cthelper' }, negate: false, right: helper[1] }]);
  const dnat = /\bdnat to (\S+)/.exec(rule);
  const dnatTo = dnat ? parseAddrPort(dnat[1] ?? '') : undefined;
  if (dnatTo) targets.set('DNAT', { k: 'dnat', ...dnatTo });
  const snat = /\bsnat to (\S+)/.exec(rule);
  const snatTo = snat ? parseAddrPort(snat[1] ?? '') : undefined;
  if (snatTo) targets.set('SNAT', { k: 'snat', ...(snatTo.addr ? { addr: snatTo.addr } : {}) });
  if (/\bmasquerade\b/.test(rule)) targets.set('MASQUERADE', { k: 'masquerade' });
  const redirect = /\bredirect to :(\d+)/.exec(rule);
  if (redirect) targets.set('REDIRECT', { k: 'redirect', port: Number(redirect[1]) });
  else if (/\bredirect\b/.test(rule)) targets.set('REDIRECT', { k: 'redirect' });
  return { matches, targets };
}

/** `-A CHAIN ... -j CT --helper ftp` lines of iptables-nft-save, by "table chain", in order. */
function ctTargets(save: string): Map<string, Verb[]> {
  const out = new Map<string, Verb[]>();
  let table = '';
  for (const line of save.slice(0, MAX_TEXT).split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^-A (\S+) .*-j CT\b(.*)$/.exec(line);
    if (!m) continue;
    const helper = /--helper (\S+)/.exec(m[2] ?? '');
    const key = `${table} ${m[1]}`;
    const list = out.get(key) ?? [];
    list.push(helper ? { k: 'helper', name: helper[1] as string } : { k: 'none' });
    out.set(key, list);
  }
  return out;
}

/**
 * The details of every rule holding an xt expression. `listing` is `nft -a
 * list ruleset` (handles needed); `save` is `iptables-nft-save`.
 */
export function readXtDetails(rs: Ruleset, listing?: string, save?: string): XtDetails {
  const details: XtDetails = new Map();
  if (listing) {
    let family = '';
    let table = '';
    let chain = '';
    for (const line of listing.slice(0, MAX_TEXT).split('\n')) {
      const t = /^\s*table (\S+) (\S+) \{/.exec(line);
      if (t) {
        family = t[1] ?? '';
        table = (t[2] ?? '').replace(/"/g, '');
        continue;
      }
      const c = /^\s*chain (\S+) \{/.exec(line);
      if (c) {
        chain = (c[1] ?? '').replace(/"/g, '');
        continue;
      }
      const r = /^\s*(.*\S)\s+# handle (\d+)\s*$/.exec(line);
      if (r && chain && !/^\s*type /.test(line)) {
        details.set(ruleKeyOf(family, table, chain, Number(r[2])), fromText(r[1] ?? ''));
      }
    }
  }
  if (save) {
    const cts = ctTargets(save);
    for (const rules of rs.rules.values()) {
      const first = rules[0];
      if (first?.family !== 'ip') continue;
      const fromSave = cts.get(`${first.table} ${first.chain}`);
      if (!fromSave) continue;
      let n = 0;
      for (const rule of rules) {
        const hasCt = rule.expr.some((e) => (e.xt as { name?: unknown } | undefined)?.name === 'CT');
        if (!hasCt) continue;
        const verb = fromSave[n++];
        if (!verb) break;
        const rk = ruleKeyOf(rule.family, rule.table, rule.chain, rule.handle);
        const d = details.get(rk) ?? { matches: new Map(), targets: new Map() };
        d.targets.set('CT', verb);
        details.set(rk, d);
      }
    }
  }
  return details;
}
