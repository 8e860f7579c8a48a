/**
 * Reading the walked rules by meaning: what each reachable rule does for
 * Gatehouse's model (a forward, a gateway forward, masquerade, the FTP
 * helper, passive-only), a harmless default of its tool, or something that
 * needs the operator's decision.
 */
import type { PortRange } from '../ports.js';
import type { Cond, UnknownCond } from './expr.js';
import { type ImportNote, note } from './notes.js';
import { chainKey } from './ruleset.js';
import { isDockerRule, type SourceTool } from './shapes.js';
import { addressesOf, members, portRangesOf, stringsOf, unwrap } from './values.js';
import type { ChainTree, WalkedRule } from './walker.js';

export interface ConditionSummary {
  iif?: string[];
  oif?: string[];
  ipv6: boolean;
  proto?: 'tcp' | 'udp';
  /** `meta l4proto { tcp, udp }` with a `th` port: both. */
  protos?: Array<'tcp' | 'udp'>;
  dports?: PortRange[];
  sports?: PortRange[];
  saddr?: string[];
  daddr?: string[];
  ctstate?: string[];
  ctstatus?: string[];
  cthelper?: string[];
  /** Matches the importer could not read, and readable ones Gatehouse cannot express (negations, other protocols). */
  unreadable: string[];
}

export function summarise(conds: ReadonlyArray<Cond | UnknownCond>): ConditionSummary {
  const s: ConditionSummary = { ipv6: false, unreadable: [] };
  for (const c of conds) {
    if ('unknown' in c) {
      s.unreadable.push(c.unknown);
      continue;
    }
    if (!('field' in c.key)) {
      s.unreadable.push('a concatenation match');
      continue;
    }
    const f = c.key.field;
    if (c.proto) s.proto = c.proto;
    if (c.negate) {
      // `!= ` on an interface or address: not a forward's condition; kept only as unreadable.
      s.unreadable.push(`${f} != ${JSON.stringify(c.right)}`);
      continue;
    }
    switch (f) {
      case 'iifname':
      case 'oifname': {
        const names = stringsOf(c.right);
        if (names) s[f === 'iifname' ? 'iif' : 'oif'] = names;
        else s.unreadable.push(f);
        break;
      }
      case 'nfproto': {
        const v = members(c.right);
        if (v.every((x) => x === 'ipv6' || x === 'ip6')) s.ipv6 = true;
        break;
      }
      case 'l4proto': {
        const v = members(c.right);
        if (v.length === 1 && (v[0] === 'tcp' || v[0] === 6)) s.proto = 'tcp';
        else if (v.length === 1 && (v[0] === 'udp' || v[0] === 17)) s.proto = 'udp';
        else if (v.every((x) => ['tcp', 'udp', 6, 17].includes(x as string)))
          s.protos = ['tcp', 'udp']; // `meta l4proto { tcp, udp } th dport`: both
        else s.unreadable.push(`meta l4proto ${JSON.stringify(c.right)}`);
        break;
      }
      case 'dport':
      case 'sport': {
        const ports = portRangesOf(c.right);
        if (ports) s[f === 'dport' ? 'dports' : 'sports'] = ports;
        else s.unreadable.push(f);
        break;
      }
      case 'saddr':
      case 'daddr': {
        const addrs = addressesOf(c.right);
        if (addrs) s[f] = addrs;
        else s.unreadable.push(`ip ${f}`);
        break;
      }
      case 'ctstate':
      case 'ctstatus':
      case 'cthelper':
        s[f] = members(c.right).map(String);
        break;
      case 'tcpflags':
        break;
    }
  }
  return s;
}

export interface FoundForward {
  proto: 'tcp' | 'udp';
  ports: PortRange[];
  target: string;
  targetPort?: number;
  sources: string[];
  iif?: string[];
  daddr?: string[];
  comment?: string;
  where: string;
}

export interface FoundGatewayForward {
  proto: 'tcp' | 'udp';
  port: number;
  localPort: number;
  sources: string[];
  iif?: string[];
  comment?: string;
  where: string;
}

export interface FoundMasquerade {
  oif?: string[];
  dnatOnly: boolean;
  daddr?: string[];
  saddr?: string[];
  snatTo?: string;
  where: string;
}

export interface FoundHelper {
  type: string;
  /** The interfaces the rule (or the rule jumping to it) matches on. */
  iif?: string[];
  ports?: PortRange[];
  servers: string[];
  /** The rule sees the address and port before DNAT (its chain runs before priority -100). */
  beforeDnat: boolean;
  beforeConntrack: boolean;
  prio: number;
  where: string;
}

export interface Findings {
  forwards: FoundForward[];
  gatewayForwards: FoundGatewayForward[];
  reflections: FoundForward[];
  masquerades: FoundMasquerade[];
  helpers: FoundHelper[];
  passiveOnly: string[];
  /** Forward-hook accept rules between interfaces: [iif, oif]. */
  forwardAccepts: Array<{ iif?: string[]; oif?: string[]; where: string }>;
  forwardPolicyDrop: boolean;
  /** Notes that do not depend on the interfaces. */
  notes: ImportNote[];
  /** Forward-hook rules whose group depends on the interfaces; decided in propose.ts. */
  usedHelperObjects: Set<string>;
}

const whereOf = (r: WalkedRule) => `${r.rule.family} ${r.rule.table} ${r.rule.chain} handle ${r.rule.handle}`;

const onlyStates = (s: ConditionSummary, allowed: string[]) => s.ctstate?.every((x) => allowed.includes(x));

function nothingElse(s: ConditionSummary, except: Array<keyof ConditionSummary>): boolean {
  const keys: Array<keyof ConditionSummary> = [
    'iif',
    'oif',
    'proto',
    'dports',
    'sports',
    'saddr',
    'daddr',
    'ctstate',
    'ctstatus',
    'cthelper',
  ];
  return s.unreadable.length === 0 && keys.every((k) => except.includes(k) || s[k] === undefined);
}

/** DNAT map elements as forwards: `dnat ip to tcp dport map @m`, concatenated `l4proto . saddr . dport` keys. */
function forwardsFromMap(r: WalkedRule, s: ConditionSummary, where: string): FoundForward[] | undefined {
  if (r.verb.k !== 'dnat' || !r.verb.map) return undefined;
  const map = r.verb.map;
  const out: FoundForward[] = [];
  const fields = 'field' in map.key ? [map.key.field] : map.key.concat;
  for (const [k, v] of map.elements) {
    const key = unwrap(k);
    const parts = fields.length === 1 ? [key] : ((key as { concat?: unknown[] } | null)?.concat ?? []);
    let proto = map.proto ?? s.proto;
    let ports: PortRange[] | undefined;
    let sources: string[] = s.saddr ?? [];
    fields.forEach((f, i) => {
      const part = parts[i];
      if (f === 'l4proto' && (part === 'tcp' || part === 'udp')) proto = part;
      else if (f === 'dport') ports = portRangesOf(part);
      else if (f === 'saddr') sources = addressesOf(part) ?? [];
    });
    const value = (v as { concat?: unknown[] } | null)?.concat;
    const target = Array.isArray(value) ? value[0] : v;
    const targetPort = Array.isArray(value) ? value[1] : undefined;
    if (!proto || !ports || typeof target !== 'string') return undefined;
    const comment =
      ((k as { elem?: { comment?: unknown } } | null)?.elem?.comment as string | undefined) ?? r.rule.comment;
    out.push({
      proto,
      ports,
      target,
      ...(typeof targetPort === 'number' ? { targetPort } : {}),
      sources,
      ...(s.iif ? { iif: s.iif } : {}),
      ...(s.daddr ? { daddr: s.daddr } : {}),
      ...(comment ? { comment } : {}),
      where,
    });
  }
  return out;
}

/** One DNAT or redirect rule for one protocol: a forward, a gateway forward or reflection. */
function recogniseDnat(
  f: Findings,
  r: WalkedRule,
  s: ConditionSummary & { proto: 'tcp' | 'udp'; dports?: PortRange[] },
  where: string,
): void {
  const v = r.verb;
  if (v.k !== 'dnat' && v.k !== 'redirect') return;
  if (!s.dports) return;
  const addr = v.k === 'dnat' ? v.addr : undefined;
  const port = v.port;
  if (!addr) {
    for (const range of s.dports) {
      if (range.from !== range.to) {
        f.notes.push(note('dnat.gateway_range', {}, where));
        continue;
      }
      f.gatewayForwards.push({
        proto: s.proto,
        port: range.from,
        localPort: port ?? range.from,
        sources: s.saddr ?? [],
        ...(s.iif ? { iif: s.iif } : {}),
        ...(r.rule.comment ? { comment: r.rule.comment } : {}),
        where,
      });
    }
    return;
  }
  const fwd: FoundForward = {
    proto: s.proto,
    ports: s.dports,
    target: addr,
    ...(port !== undefined ? { targetPort: port } : {}),
    sources: s.saddr ?? [],
    ...(s.iif ? { iif: s.iif } : {}),
    ...(s.daddr ? { daddr: s.daddr } : {}),
    ...(r.rule.comment ? { comment: r.rule.comment } : {}),
    where,
  };
  // Reflection (NAT loopback): LAN sources, the public address as destination.
  const reflection = s.daddr && s.saddr?.some((p) => p.includes('/'));
  (reflection ? f.reflections : f.forwards).push(fwd);
}

export function recognise(tree: ChainTree, toolOfTable: (family: string, table: string) => SourceTool): Findings {
  const f: Findings = {
    forwards: [],
    gatewayForwards: [],
    reflections: [],
    masquerades: [],
    helpers: [],
    passiveOnly: [],
    forwardAccepts: [],
    forwardPolicyDrop: false,
    notes: [],
    usedHelperObjects: new Set(),
  };
  const localChains = new Map<string, { tool: SourceTool; hook: string; rules: number; policy: string }>();
  for (const base of tree.baseChains()) {
    const tool = toolOfTable(base.family, base.table);
    // Docker's own rules stay with Docker; an operator's rules in Docker's tables are still read.
    const walked = tree.walk(base).filter((r) => tool !== 'docker' || !isDockerRule(r));
    const hook = base.hook ?? '';
    if (hook === 'forward' && base.type === 'filter' && base.policy === 'drop' && tool !== 'docker') {
      f.forwardPolicyDrop = true;
    }
    if (hook === 'input' || hook === 'output') {
      if (tool === 'docker') continue; // Docker's table as a whole has its own note
      const key = `${base.family} ${base.table} ${hook}`;
      const prev = localChains.get(key);
      localChains.set(key, {
        tool,
        hook,
        rules: (prev?.rules ?? 0) + walked.length,
        policy: prev?.policy === 'drop' || base.policy === 'drop' ? 'drop' : 'accept',
      });
      continue;
    }
    for (const r of walked) {
      const where = whereOf(r);
      const s = summarise([...r.context, ...r.conds]);
      if (s.ipv6) {
        if (r.verb.k !== 'none') f.notes.push(note('ipv6.skipped', {}, where));
        continue;
      }
      const v = r.verb;
      if (v.k === 'none') {
        if (r.noise.length > 0) {
          const what = r.noise.includes('mangle') ? 'MSS clamping' : r.noise.join(', ');
          f.notes.push(note('default.rule', { tool, what }, where));
        }
        continue;
      }
      if (hook === 'prerouting' && base.type === 'nat' && (v.k === 'dnat' || v.k === 'redirect')) {
        if (s.unreadable.length > 0) {
          f.notes.push(note('rule.unreadable', { what: s.unreadable.join(', ') }, where));
          continue;
        }
        const fromMap = forwardsFromMap(r, s, where);
        if (fromMap) {
          f.forwards.push(...fromMap);
          continue;
        }
        const protos = s.proto ? [s.proto] : (s.protos ?? []);
        if (!s.dports || protos.length === 0) {
          f.notes.push(note('dnat.no_port', {}, where));
          continue;
        }
        for (const proto of protos) recogniseDnat(f, r, { ...s, proto }, where);
        continue;
      }
      if (hook === 'postrouting' && base.type === 'nat' && (v.k === 'masquerade' || v.k === 'snat')) {
        if (
          s.unreadable.length > 0 &&
          !s.unreadable.every((u) => u.startsWith('oifname !=') || u.startsWith('saddr !=') || u.startsWith('daddr !='))
        ) {
          f.notes.push(note('rule.unreadable', { what: s.unreadable.join(', ') }, where));
          continue;
        }
        f.masquerades.push({
          ...(s.oif ? { oif: s.oif } : {}),
          dnatOnly: s.ctstatus?.includes('dnat') ?? false,
          ...(s.daddr ? { daddr: s.daddr } : {}),
          ...(s.saddr ? { saddr: s.saddr } : {}),
          ...(v.k === 'snat' && v.addr ? { snatTo: v.addr } : {}),
          where,
        });
        continue;
      }
      if (hook === 'prerouting' && v.k === 'helper') {
        const prio = base.prio ?? 0;
        const names = v.map
          ? v.map.elements.map(([, value]) => value).filter((x): x is string => typeof x === 'string')
          : [v.name ?? ''];
        const xt = r.rule.expr.some((e) => 'xt' in e);
        for (const name of names) {
          const obj = tree.rs.helpers.get(chainKey(base.family, base.table, name));
          if (obj) f.usedHelperObjects.add(chainKey(base.family, base.table, name));
          const type = obj?.type ?? name;
          let ports = s.dports;
          if (v.map && 'field' in v.map.key && v.map.key.field === 'dport') {
            ports = v.map.elements
              .filter(([, value]) => value === name)
              .flatMap(([k]) => portRangesOf(unwrap(k)) ?? []);
          }
          f.helpers.push({
            type,
            ...(s.iif ? { iif: s.iif } : {}),
            ...(ports ? { ports } : {}),
            servers: (s.daddr ?? []).filter((a) => !a.includes('/')),
            beforeDnat: prio < -100,
            beforeConntrack: prio <= -200 && !xt,
            prio,
            where,
          });
        }
        continue;
      }
      if (hook === 'forward' && base.type === 'filter') {
        if (s.cthelper?.includes('ftp') && s.ctstate?.includes('related') && v.k === 'drop') {
          f.passiveOnly.push(where);
          continue;
        }
        if (s.cthelper?.includes('ftp') && v.k === 'accept') continue; // passive data connections: part of passive-only
        if (v.k === 'accept' && onlyStates(s, ['established', 'related']) && nothingElse(s, ['ctstate'])) {
          f.notes.push(note('default.rule', { tool, what: `accept ${s.ctstate?.join(',')} flows` }, where));
          continue;
        }
        if (v.k === 'drop' && onlyStates(s, ['invalid'])) {
          f.notes.push(note('default.rule', { tool, what: 'drop invalid flows' }, where));
          continue;
        }
        if (v.k === 'accept' && s.ctstatus?.includes('dnat') && nothingElse(s, ['ctstatus', 'ctstate', 'iif', 'oif'])) {
          f.notes.push(note('default.rule', { tool, what: 'accept port-forwarded (DNAT) flows' }, where));
          continue;
        }
        if (v.k === 'accept' && nothingElse(s, ['iif', 'oif']) && (s.iif || s.oif)) {
          f.forwardAccepts.push({ ...(s.iif ? { iif: s.iif } : {}), ...(s.oif ? { oif: s.oif } : {}), where });
          continue;
        }
        if (v.k === 'drop' && nothingElse(s, ['iif', 'oif', 'proto'])) {
          f.notes.push(note('default.rule', { tool, what: 'reject what the forward policy refuses' }, where));
          continue;
        }
        if (v.k === 'return' && s.unreadable.length === 0) {
          f.notes.push(note('default.rule', { tool, what: 'return' }, where));
          continue;
        }
        f.notes.push(
          note(
            'filter.rule_dropped',
            {
              what: `${v.k}${s.unreadable.length ? `, ${s.unreadable.join(', ')}` : ''}`,
              fate: f.forwardPolicyDrop ? 'decided by the Gatehouse forward filter' : 'accepted',
            },
            where,
          ),
        );
        continue;
      }
      if (v.k === 'accept' || v.k === 'return') {
        if (s.unreadable.length === 0 && nothingElse(s, ['iif', 'oif', 'proto', 'dports', 'ctstate'])) {
          f.notes.push(note('default.rule', { tool, what: `${v.k} in ${hook}` }, where));
          continue;
        }
      }
      const xtUnknown = v.k === 'unknown' && v.what.startsWith('xt ');
      f.notes.push(
        xtUnknown || s.unreadable.some((u) => u.startsWith('xt '))
          ? note(
              'xt.no_details',
              {
                what: [v.k === 'unknown' ? v.what : '', ...s.unreadable.filter((u) => u.startsWith('xt '))]
                  .filter(Boolean)
                  .join(', '),
              },
              where,
            )
          : note('rule.not_modelled', { hook, what: v.k === 'unknown' ? v.what : v.k }, where),
      );
    }
  }
  for (const [key, c] of localChains) {
    f.notes.push(note('chain.local_traffic', { tool: c.tool, hook: c.hook, rules: c.rules, policy: c.policy }, key));
  }
  return f;
}
