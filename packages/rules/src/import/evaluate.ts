/**
 * What a ruleset does with one connection, by following its chain tree with
 * a packet: the prerouting chains in priority order (NAT once, helper
 * assignment after conntrack), then input for the gateway itself or forward
 * and postrouting for a forwarded flow. The same evaluator runs on the old
 * ruleset and on the compiled proposal as the kernel lists it, which is what
 * makes the equivalence report a comparison of like with like.
 */
import type { Cond, NatMap, UnknownCond, Verb } from './expr.js';
import { type ChainInfo, chainKey } from './ruleset.js';
import { memberMatches, members } from './values.js';
import type { ChainTree } from './walker.js';

export interface Packet {
  iifname: string;
  oifname: string;
  l4proto: 'tcp' | 'udp';
  saddr: string;
  daddr: string;
  sport: number;
  dport: number;
  ctstate: 'new' | 'related' | 'established';
  ctstatus: string[];
  /** Helper type attached to the flow ("ftp"). */
  cthelper?: string;
}

export interface Fate {
  outcome: 'forwarded' | 'gateway' | 'dropped';
  /** forwarded: the server; gateway: absent. */
  to?: string;
  /** forwarded: port on the server; gateway: the local port. */
  port?: number;
  /** The base chain whose verdict dropped it. */
  droppedBy?: string;
  helper?: string;
  masquerade?: boolean;
  /** Matches the evaluator could not decide (read as not matching). */
  uncertain: string[];
}

const PROTO_NUMBER: Record<string, number> = { tcp: 6, udp: 17 };

function fieldValue(p: Packet, field: string): string | number | undefined {
  switch (field) {
    case 'iifname':
      return p.iifname;
    case 'oifname':
      return p.oifname;
    case 'l4proto':
      return p.l4proto;
    case 'saddr':
      return p.saddr;
    case 'daddr':
      return p.daddr;
    case 'sport':
      return p.sport;
    case 'dport':
      return p.dport;
    case 'cthelper':
      return p.cthelper;
    default:
      return undefined;
  }
}

function scalarMatches(field: string, member: unknown, p: Packet): boolean {
  if (field === 'nfproto') return member === 'ipv4' || member === 'ip' || member === 2;
  if (field === 'l4proto') return member === p.l4proto || member === PROTO_NUMBER[p.l4proto];
  if (field === 'ctstate') return member === p.ctstate;
  if (field === 'ctstatus') return typeof member === 'string' && p.ctstatus.includes(member);
  if (field === 'tcpflags') return p.l4proto === 'tcp' && p.ctstate === 'new' && member === 'syn';
  const v = fieldValue(p, field);
  return v !== undefined && memberMatches(member, v);
}

function keyMatches(key: Cond['key'], member: unknown, p: Packet): boolean {
  if ('field' in key) return scalarMatches(key.field, member, p);
  const parts = (member as { concat?: unknown[] } | null)?.concat;
  if (!Array.isArray(parts) || parts.length !== key.concat.length) return false;
  return key.concat.every((f, i) => scalarMatches(f, parts[i], p));
}

/** true, false, or undefined when the condition cannot be decided. */
export function condHolds(c: Cond | UnknownCond, p: Packet): boolean | undefined {
  if ('unknown' in c) return undefined;
  if (c.proto && c.proto !== p.l4proto) return false; // `tcp dport` never matches UDP, negated or not
  const hit = members(c.right).some((m) => keyMatches(c.key, m, p));
  return c.negate ? !hit : hit;
}

/** The value a map gives for the packet, or undefined on a miss (nft then skips the rule). */
export function lookup(map: NatMap, p: Packet): unknown {
  if (map.proto && map.proto !== p.l4proto) return undefined;
  for (const [k, v] of map.elements) {
    const key = (k as { elem?: { val: unknown } } | null)?.elem ? (k as { elem: { val: unknown } }).elem.val : k;
    if (keyMatches(map.key, key, p)) return v;
  }
  return undefined;
}

type ChainResult = 'accept' | 'drop' | 'return' | undefined;

/** Rules one probe may evaluate: a listing that jumps from every rule into a long chain is cut, not walked for hours. */
const MAX_STEPS = 200_000;

interface Run {
  steps: number;
  tree: ChainTree;
  p: Packet;
  uncertain: string[];
  nat?: { addr?: string; port?: number; redirect: boolean } | undefined;
  masquerade: boolean;
  base: ChainInfo;
}

function helperType(run: Run, chain: ChainInfo, name: string): string {
  return run.tree.rs.helpers.get(chainKey(chain.family, chain.table, name))?.type ?? name;
}

function apply(run: Run, chain: ChainInfo, verb: Verb, where: string): ChainResult | 'next' {
  const { p } = run;
  switch (verb.k) {
    case 'accept':
    case 'drop':
    case 'return':
      return verb.k;
    case 'dnat':
    case 'redirect': {
      if (run.base.type !== 'nat' || run.nat) return 'accept';
      if (verb.k === 'redirect') {
        run.nat = { redirect: true, ...(verb.port !== undefined ? { port: verb.port } : {}) };
      } else if (verb.map) {
        const v = lookup(verb.map, p);
        if (v === undefined) return 'next';
        const parts = (v as { concat?: unknown[] } | null)?.concat;
        const addr = Array.isArray(parts) ? parts[0] : v;
        const port = Array.isArray(parts) ? parts[1] : undefined;
        run.nat = {
          redirect: false,
          ...(typeof addr === 'string' ? { addr } : {}),
          ...(typeof port === 'number' ? { port } : {}),
        };
      } else {
        run.nat = {
          redirect: verb.addr === undefined,
          ...(verb.addr ? { addr: verb.addr } : {}),
          ...(verb.port !== undefined ? { port: verb.port } : {}),
        };
      }
      return 'accept';
    }
    case 'masquerade':
    case 'snat':
      if (run.base.type === 'nat' && run.base.hook === 'postrouting') run.masquerade = true;
      return 'accept';
    case 'helper': {
      const native = !where.startsWith('xt:');
      // `ct helper set` needs the conntrack entry, created at priority -200: earlier it does nothing.
      if ((run.base.prio ?? 0) <= -200 && native) {
        run.uncertain.push(`${where}: helper assigned before conntrack (no effect)`);
        return 'next';
      }
      const name = verb.map ? lookup(verb.map, p) : verb.name;
      if (typeof name === 'string') p.cthelper = helperType(run, chain, name);
      return 'next';
    }
    case 'unknown':
      run.uncertain.push(`${where}: ${verb.what}`);
      return 'next';
    default:
      return 'next';
  }
}

function runChain(run: Run, chain: ChainInfo, depth: number): ChainResult {
  if (depth > 16) return undefined;
  for (const r of run.tree.rules(chain)) {
    if (++run.steps > MAX_STEPS) {
      if (run.steps === MAX_STEPS + 1) run.uncertain.push(`evaluation cut after ${MAX_STEPS} rules`);
      return undefined;
    }
    const where = `${chain.family} ${chain.table} ${chain.name} handle ${r.rule.handle}`;
    let holds: boolean | undefined = true;
    for (const c of r.conds) {
      const h = condHolds(c, run.p);
      if (h === false) {
        holds = false;
        break;
      }
      if (h === undefined) holds = undefined;
    }
    if (holds === undefined) {
      run.uncertain.push(`${where}: a match the importer cannot evaluate`);
      continue;
    }
    if (!holds) continue;
    if (r.verb.k === 'jump' || r.verb.k === 'goto') {
      const target = run.tree.chain(chain.family, chain.table, r.verb.target);
      if (!target) continue;
      const res = runChain(run, target, depth + 1);
      if (res === 'accept' || res === 'drop') return res;
      if (r.verb.k === 'goto') return 'return';
      continue;
    }
    const xtTarget = r.rule.expr.some((e) => (e.xt as { type?: unknown } | undefined)?.type === 'target');
    const res = apply(run, chain, r.verb, xtTarget ? `xt:${where}` : where);
    if (res !== 'next' && res !== undefined) return res;
  }
  return undefined;
}

/** Runs the base chains of one hook in priority order; the name of the dropping chain, if any. */
function runHook(run: Run, hook: string, skipNat = false): string | undefined {
  for (const base of run.tree.baseChains(hook)) {
    if (base.type === 'nat' && (skipNat || (hook === 'prerouting' && run.nat))) continue;
    if (base.type === 'nat' && hook === 'postrouting' && run.masquerade) continue;
    run.base = base;
    const res = runChain(run, base, 0);
    const verdict = res === 'accept' || res === 'drop' ? res : base.policy === 'drop' ? 'drop' : 'accept';
    if (verdict === 'drop') return `${base.family} ${base.table} ${base.name}`;
    if (hook === 'prerouting' && base.type === 'nat' && run.nat) {
      if (run.nat.addr) run.p.daddr = run.nat.addr;
      if (run.nat.port !== undefined) run.p.dport = run.nat.port;
      run.p.ctstatus.push('dnat');
    }
  }
  return undefined;
}

export interface ConnectionProbe {
  iifname: string;
  l4proto: 'tcp' | 'udp';
  dport: number;
  saddr: string;
  /** The gateway's public address, where the client connects. */
  daddr: string;
}

/**
 * A new connection from the public side. `routeTo` names the interface a
 * forwarded flow leaves by (the LAN interface holding the server).
 */
export function fateOf(tree: ChainTree, probe: ConnectionProbe, routeTo: (addr: string) => string): Fate {
  const p: Packet = {
    iifname: probe.iifname,
    oifname: '',
    l4proto: probe.l4proto,
    saddr: probe.saddr,
    daddr: probe.daddr,
    sport: 40_000,
    dport: probe.dport,
    ctstate: 'new',
    ctstatus: [],
  };
  const run: Run = { steps: 0, tree, p, uncertain: [], masquerade: false, base: { family: '', table: '', name: '' } };
  const helperOf = () => (p.cthelper ? { helper: p.cthelper } : {});
  const dropped = runHook(run, 'prerouting');
  if (dropped) return { outcome: 'dropped', droppedBy: dropped, ...helperOf(), uncertain: run.uncertain };
  const local = !run.nat || run.nat.redirect || !run.nat.addr;
  if (local) {
    const inputDrop = runHook(run, 'input');
    if (inputDrop) return { outcome: 'dropped', droppedBy: inputDrop, ...helperOf(), uncertain: run.uncertain };
    return { outcome: 'gateway', port: p.dport, ...helperOf(), uncertain: run.uncertain };
  }
  p.oifname = routeTo(p.daddr);
  const fwdDrop = runHook(run, 'forward');
  if (fwdDrop) return { outcome: 'dropped', droppedBy: fwdDrop, ...helperOf(), uncertain: run.uncertain };
  const postDrop = runHook(run, 'postrouting');
  if (postDrop) return { outcome: 'dropped', droppedBy: postDrop, ...helperOf(), uncertain: run.uncertain };
  return {
    outcome: 'forwarded',
    to: p.daddr,
    port: p.dport,
    masquerade: run.masquerade,
    ...helperOf(),
    uncertain: run.uncertain,
  };
}

/**
 * An FTP data connection the helper expected: passive (client to server,
 * entering on the WAN) or active (server back to the client). Its NAT comes
 * from the expectation, so only the filter chains decide it.
 */
export function dataFlowAccepted(
  tree: ChainTree,
  flow: { mode: 'passive' | 'active'; wan: string; lan: string; server: string; client: string },
): boolean {
  const passive = flow.mode === 'passive';
  const p: Packet = {
    iifname: passive ? flow.wan : flow.lan,
    oifname: passive ? flow.lan : flow.wan,
    l4proto: 'tcp',
    saddr: passive ? flow.client : flow.server,
    daddr: passive ? flow.server : flow.client,
    sport: passive ? 40_001 : 40_002,
    dport: passive ? 30_000 : 40_003,
    ctstate: 'related',
    ctstatus: passive ? ['dnat'] : ['snat'],
    cthelper: 'ftp',
  };
  const run: Run = { steps: 0, tree, p, uncertain: [], masquerade: false, base: { family: '', table: '', name: '' } };
  for (const hook of ['prerouting', 'forward', 'postrouting']) {
    if (runHook(run, hook, true)) return false;
  }
  return true;
}
