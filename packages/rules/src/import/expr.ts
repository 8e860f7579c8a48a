/**
 * One rule's expressions, read by meaning: each match becomes a condition on
 * a packet field (whatever the syntax: `tcp dport`, `th dport`, `meta
 * l4proto`, anonymous or named sets, concatenations), and the statements
 * become one verb (dnat, redirect, masquerade, helper assignment, a verdict)
 * with counters, comments, logs, limits and MSS clamping read as noise.
 */
import type { XtDetails } from './iptables-nft.js';
import { chainKey, type Json, type Ruleset } from './ruleset.js';

/** The packet fields a condition can test. */
export type Field =
  | 'iifname'
  | 'oifname'
  | 'nfproto'
  | 'l4proto'
  | 'saddr'
  | 'daddr'
  | 'sport'
  | 'dport'
  | 'ctstate'
  | 'ctstatus'
  | 'cthelper'
  | 'tcpflags';

export type Key = { field: Field } | { concat: Field[] };

export interface Cond {
  key: Key;
  /** The protocol a transport-header match implies (`tcp dport` only matches TCP). */
  proto?: 'tcp' | 'udp';
  negate: boolean;
  /** The right-hand side as nft prints it, named sets already resolved to their elements. */
  right: unknown;
}

export interface UnknownCond {
  unknown: string;
}

export type Verb =
  | { k: 'accept' | 'drop' | 'return' | 'continue' | 'none' }
  | { k: 'jump' | 'goto'; target: string }
  | { k: 'dnat'; addr?: string; port?: number; map?: NatMap }
  | { k: 'redirect'; port?: number }
  | { k: 'masquerade' }
  | { k: 'snat'; addr?: string }
  | { k: 'helper'; name?: string; map?: NatMap }
  | { k: 'unknown'; what: string };

/** A value looked up in a map: `dnat ip to tcp dport map @m`, `ct helper set tcp dport map { ... }`. */
export interface NatMap {
  key: Key;
  proto?: 'tcp' | 'udp';
  /** [key, value] pairs as nft prints them. */
  elements: Array<[unknown, unknown]>;
}

export interface ParsedRule {
  conds: Array<Cond | UnknownCond>;
  verb: Verb;
  /** Statements read as noise (counter, log, limit, comment, MSS clamping), for the notes. */
  noise: string[];
}

const VERDICTS = new Set(['accept', 'drop', 'return', 'continue']);
const NOISE = new Set(['counter', 'log', 'limit', 'mangle', 'quota', 'notrack', 'set', 'meter', 'comment']);

export interface ExprContext {
  rs: Ruleset;
  family: string;
  table: string;
  /** Details of iptables-nft's xt expressions, when the caller supplied the text listing. */
  xt?: XtDetails | undefined;
}

function keyOf(left: unknown): { key: Key; proto?: 'tcp' | 'udp' } | undefined {
  const l = left as Json | null;
  if (!l || typeof l !== 'object') return undefined;
  if (l.meta) {
    const k = (l.meta as Json).key;
    if (k === 'iifname' || k === 'iif') return { key: { field: 'iifname' } };
    if (k === 'oifname' || k === 'oif') return { key: { field: 'oifname' } };
    if (k === 'nfproto') return { key: { field: 'nfproto' } };
    if (k === 'l4proto' || k === 'protocol') return { key: { field: k === 'l4proto' ? 'l4proto' : 'nfproto' } };
    return undefined;
  }
  if (l.payload) {
    const p = l.payload as Json;
    if (p.protocol === 'ip' && (p.field === 'saddr' || p.field === 'daddr')) return { key: { field: p.field } };
    if (p.protocol === 'ip' && p.field === 'protocol') return { key: { field: 'l4proto' } };
    if (
      (p.protocol === 'tcp' || p.protocol === 'udp' || p.protocol === 'th') &&
      (p.field === 'dport' || p.field === 'sport')
    ) {
      return { key: { field: p.field }, ...(p.protocol === 'th' ? {} : { proto: p.protocol }) };
    }
    return undefined;
  }
  if (l.ct) {
    const k = (l.ct as Json).key;
    if (k === 'state') return { key: { field: 'ctstate' } };
    if (k === 'status') return { key: { field: 'ctstatus' } };
    if (k === 'helper') return { key: { field: 'cthelper' } };
    return undefined;
  }
  if (l['&']) {
    const [a] = l['&'] as unknown[];
    const p = (a as Json | undefined)?.payload as Json | undefined;
    if (p?.protocol === 'tcp' && p.field === 'flags') return { key: { field: 'tcpflags' }, proto: 'tcp' };
    return undefined;
  }
  if (Array.isArray(l.concat)) {
    const fields: Field[] = [];
    let proto: 'tcp' | 'udp' | undefined;
    for (const part of l.concat) {
      const k = keyOf(part);
      if (!k || !('field' in k.key)) return undefined;
      fields.push(k.key.field);
      proto = k.proto ?? proto;
    }
    return { key: { concat: fields }, ...(proto ? { proto } : {}) };
  }
  return undefined;
}

const IPV6_HEADERS = new Set(['ip6', 'icmpv6', 'ip6nexthdr', 'dst', 'hbh', 'frag', 'rt', 'mh']);

/**
 * A header match of another protocol (`icmp type`, `ip6 saddr`) implies that
 * protocol: it reads as a condition on it, so it never matches the TCP/UDP
 * IPv4 connections the importer is about, instead of being undecidable.
 */
function otherProtocol(left: unknown): Cond | undefined {
  const p = (left as Json | null)?.payload as Json | undefined;
  const proto = p?.protocol;
  if (typeof proto !== 'string' || ['ip', 'tcp', 'udp', 'th'].includes(proto)) return undefined;
  if (IPV6_HEADERS.has(proto)) return { key: { field: 'nfproto' }, negate: false, right: 'ipv6' };
  return { key: { field: 'l4proto' }, negate: false, right: proto };
}

/** Named sets (`@name`) become their elements; maps keep [key, value] pairs. */
function resolveSet(right: unknown, ctx: ExprContext): unknown {
  if (typeof right === 'string' && right.startsWith('@')) {
    const set = ctx.rs.sets.get(chainKey(ctx.family, ctx.table, right.slice(1)));
    return { set: set?.elem ?? [] };
  }
  return right;
}

function natMap(value: unknown, ctx: ExprContext): NatMap | undefined {
  const m = (value as Json | null)?.map as Json | undefined;
  if (!m) return undefined;
  const k = keyOf(m.key);
  if (!k) return undefined;
  let elements: unknown[] = [];
  if (typeof m.data === 'string' && m.data.startsWith('@')) {
    elements = ctx.rs.sets.get(chainKey(ctx.family, ctx.table, m.data.slice(1)))?.elem ?? [];
  } else if (Array.isArray((m.data as Json | null)?.set)) {
    elements = (m.data as { set: unknown[] }).set;
  }
  const pairs = elements.filter((e): e is [unknown, unknown] => Array.isArray(e) && e.length === 2);
  return { key: k.key, ...(k.proto ? { proto: k.proto } : {}), elements: pairs };
}

function describe(e: Json): string {
  const key = Object.keys(e)[0] ?? '?';
  if (key === 'xt') {
    const xt = e.xt as Json;
    return `xt ${String(xt.type)} ${String(xt.name)}`;
  }
  return key;
}

/** Reads a rule; `xtIndex` numbers its xt expressions for the iptables-nft details. */
export function parseRule(expr: readonly Json[], ctx: ExprContext, ruleKey: string): ParsedRule {
  const conds: Array<Cond | UnknownCond> = [];
  const noise: string[] = [];
  let verb: Verb = { k: 'none' };
  const setVerb = (v: Verb) => {
    // A rule has one terminal statement; anything after it (a trailing counter) is noise.
    if (verb.k === 'none') verb = v;
  };
  for (const e of expr) {
    try {
      readOne(e);
    } catch {
      // A listing nft would never print (hostile or corrupt): the expression is unreadable, not fatal.
      conds.push({ unknown: 'malformed expression' });
    }
  }
  return { conds, verb, noise };

  function readOne(e: Json): void {
    const key = Object.keys(e)[0];
    if (key === 'match') {
      const m = e.match as Json;
      const other = otherProtocol(m.left);
      if (other) {
        conds.push(other);
        return;
      }
      const k = keyOf(m.left);
      if (!k) {
        conds.push({ unknown: JSON.stringify(m.left ?? null).slice(0, 80) });
        return;
      }
      conds.push({ ...k, negate: m.op === '!=', right: resolveSet(m.right, ctx) });
    } else if (key && VERDICTS.has(key)) setVerb({ k: key as 'accept' });
    else if (key === 'reject') setVerb({ k: 'drop' });
    else if (key === 'jump' || key === 'goto') {
      const target = (e[key] as Json | null)?.target;
      if (typeof target === 'string') setVerb({ k: key, target });
    } else if (key === 'dnat') {
      const d = (e.dnat ?? {}) as Json;
      const map = natMap(d.addr, ctx);
      if (map) setVerb({ k: 'dnat', map });
      else
        setVerb({
          k: 'dnat',
          ...(typeof d.addr === 'string' ? { addr: d.addr } : {}),
          ...(typeof d.port === 'number' ? { port: d.port } : {}),
        });
    } else if (key === 'redirect') {
      const r = (e.redirect ?? {}) as Json;
      setVerb({ k: 'redirect', ...(typeof r.port === 'number' ? { port: r.port } : {}) });
    } else if (key === 'masquerade') setVerb({ k: 'masquerade' });
    else if (key === 'snat') {
      const s = (e.snat ?? {}) as Json;
      setVerb({ k: 'snat', ...(typeof s.addr === 'string' ? { addr: s.addr } : {}) });
    } else if (key === 'ct helper') {
      const v = e['ct helper'];
      const map = natMap(v, ctx);
      if (typeof v === 'string') setVerb({ k: 'helper', name: v });
      else if (map) setVerb({ k: 'helper', map });
      else setVerb({ k: 'unknown', what: 'ct helper set' });
    } else if (key === 'xt') {
      const xt = e.xt as Json;
      const detail = ctx.xt?.get(ruleKey);
      if (xt.type === 'match') {
        const known = detail?.matches.get(String(xt.name));
        if (known) conds.push(...known);
        else if (xt.name !== 'comment') conds.push({ unknown: `xt match ${String(xt.name)}` });
      } else {
        const known = detail?.targets.get(String(xt.name));
        if (known) setVerb(known);
        else if (xt.name === 'TCPMSS' || xt.name === 'LOG') noise.push(`xt target ${String(xt.name)}`);
        else setVerb({ k: 'unknown', what: `xt target ${String(xt.name)}` });
      }
    } else if (key && NOISE.has(key)) noise.push(key);
    else setVerb({ k: 'unknown', what: describe(e) });
  }
}

export function isUnknown(c: Cond | UnknownCond): c is UnknownCond {
  return 'unknown' in c;
}
