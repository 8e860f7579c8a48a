/**
 * What a model compiles to, in the shape `nft -j list table` gives it back:
 * the rules (mirroring render/*.ts) and the base chains. own-table.ts checks
 * a table read back against these, so that nothing the model cannot say is
 * adopted silently. Pure.
 */
import { CHAIN } from './compile.js';
import { HELPER_KIND_SPECS, HELPER_KINDS } from './helper-kinds.js';
import type { GatewayForward, GatewayModel } from './model.js';
import { formatRange } from './ports.js';
import { needsForwardFilter } from './render/filter.js';
import { FORWARD_MAPS, type ForwardMapName } from './render/forwards.js';
import { enabledHelperKinds, helperChainName, helperRulePorts, helperServers } from './render/helpers.js';

export type Json = Record<string, unknown>;
export type NftObject = Record<string, Json>;

export const obj = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

const ipNumber = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);

/**
 * Addresses, prefixes and ranges as merged [first, last] intervals: nft merges
 * adjacent prefixes of an anonymous set (two /25s list as one /24), so sets of
 * addresses compare by what they cover.
 */
function addressIntervals(v: unknown): unknown {
  const spans: Array<[number, number]> = [];
  for (const m of members(v)) {
    if (typeof m === 'string' && /^[\d.]+$/.test(m)) spans.push([ipNumber(m), ipNumber(m)]);
    else {
      const p = obj(obj(m)?.prefix);
      const r = obj(m)?.range;
      if (p && typeof p.addr === 'string' && typeof p.len === 'number') {
        const first = ipNumber(p.addr);
        spans.push([first, first + 2 ** (32 - p.len) - 1]);
      } else if (Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'string') {
        spans.push([ipNumber(r[0]), ipNumber(r[1])]);
      } else return v;
    }
  }
  spans.sort((x, y) => x[0] - y[0]);
  const merged: Array<[number, number]> = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s[0] <= last[1] + 1) last[1] = Math.max(last[1], s[1]);
    else merged.push([...s]);
  }
  return { intervals: merged };
}

/** Sorts every anonymous set's members, so two listings compare whatever order nft printed them in. */
export function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  const o = obj(v);
  if (!o) return v;
  const out: Json = {};
  for (const k of Object.keys(o).sort()) {
    const c = canon(o[k]);
    // A rule's counter is read back with its packets and bytes: what it counted is not its shape.
    if (k === 'counter' && obj(c)) {
      out[k] = null;
      continue;
    }
    out[k] =
      k === 'set' && Array.isArray(c) ? [...c].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)) : c;
  }
  if (obj(obj(o.left)?.payload)?.protocol === 'ip' && 'right' in o) out.right = addressIntervals(o.right);
  // nft may leave one member in braces (after merging): the same as the bare member.
  if (Object.keys(out).length === 1 && Array.isArray(out.set) && out.set.length === 1) return out.set[0];
  return out;
}

export const same = (a: unknown, b: unknown) => JSON.stringify(canon(a)) === JSON.stringify(canon(b));

// --- nft JSON values <-> model strings -------------------------------------------

/** A model prefix as nft's JSON shows it: /32 as the bare address. */
export function prefixJson(p: string): unknown {
  const [addr, len] = p.split('/');
  return len === undefined || len === '32' ? addr : { prefix: { addr, len: Number(len) } };
}
export function prefixText(v: unknown): string | null {
  if (typeof v === 'string') return v;
  const p = obj(obj(v)?.prefix);
  return p && typeof p.addr === 'string' && typeof p.len === 'number' ? `${p.addr}/${p.len}` : null;
}
export const oneOrSet = (items: unknown[]): unknown => (items.length === 1 ? items[0] : { set: items });
export const members = (v: unknown): unknown[] => {
  const s = obj(v)?.set;
  return Array.isArray(s) ? s : [v];
};
export function portText(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  const r = obj(v)?.range;
  return Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number'
    ? formatRange({ from: r[0], to: r[1] })
    : null;
}
export const strings = (v: unknown): string[] | null => {
  const m = members(v);
  return m.every((x) => typeof x === 'string') ? (m as string[]) : null;
};

// --- the rules a model compiles to, in nft's JSON shape (mirrors render/*.ts) ------

export interface ExpectedRule {
  chain: string;
  comment: string;
  expr: unknown[];
}

const match = (left: unknown, right: unknown, op = '==') => ({ match: { op, left, right } });
const meta = (key: string) => ({ meta: { key } });
const payload = (protocol: string, field: string) => ({ payload: { protocol, field } });
const ct = (key: string) => ({ ct: { key } });
const ifs = (names: readonly string[]) => oneOrSet([...names]);

/** The redirect rules of gateway forwards arriving on `wan`. */
export function gatewayForwardRules(gatewayForwards: readonly GatewayForward[], wan: string): ExpectedRule[] {
  const out: ExpectedRule[] = [];
  for (const g of gatewayForwards) {
    if (!g.enabled) continue;
    const src =
      g.allowedSources.length > 0 ? [match(payload('ip', 'saddr'), oneOrSet(g.allowedSources.map(prefixJson)))] : [];
    for (const proto of g.protocol === 'both' ? ['tcp', 'udp'] : [g.protocol]) {
      out.push({
        chain: CHAIN.dnat,
        comment: `gateway forward ${g.id}`,
        expr: [
          match(meta('iifname'), wan),
          ...src,
          match(payload(proto, 'dport'), g.publicPort),
          { redirect: { port: g.localPort } },
        ],
      });
    }
  }
  return out;
}

export const FORWARD_RULE_COMMENTS: Record<ForwardMapName, string> = {
  forward_src_same_port: 'port forwards: source-limited, same port',
  forward_src_new_port: 'port forwards: source-limited, other port',
  forward_tcp_same_port: 'port forwards: tcp, same port',
  forward_tcp_same_range: 'port forwards: tcp, same port range',
  forward_tcp_new_port: 'port forwards: tcp, other port',
  forward_udp_same_port: 'port forwards: udp, same port',
  forward_udp_same_range: 'port forwards: udp, same port range',
  forward_udp_new_port: 'port forwards: udp, other port',
};

function forwardRules(model: GatewayModel): ExpectedRule[] {
  return FORWARD_MAPS.map(({ name }) => {
    const newPort = name.endsWith('_new_port');
    const family = newPort ? { family: 'ip' } : {};
    const wan = match(meta('iifname'), model.interfaces.wan);
    const expr = name.startsWith('forward_src_')
      ? [
          wan,
          match(meta('l4proto'), { set: ['tcp', 'udp'] }),
          {
            dnat: {
              ...family,
              addr: {
                map: {
                  key: { concat: [meta('l4proto'), payload('ip', 'saddr'), payload('th', 'dport')] },
                  data: `@${name}`,
                },
              },
            },
          },
        ]
      : [
          wan,
          {
            dnat: {
              ...family,
              addr: { map: { key: payload(name.includes('_tcp_') ? 'tcp' : 'udp', 'dport'), data: `@${name}` } },
            },
          },
        ];
    return { chain: CHAIN.dnat, comment: FORWARD_RULE_COMMENTS[name], expr };
  });
}

function masqueradeRules(model: GatewayModel): ExpectedRule[] {
  const out: ExpectedRule[] = [];
  if (model.masquerade.forwardedServers) {
    out.push({
      chain: CHAIN.snat,
      comment: 'masquerade: forwarded servers see the gateway as peer',
      expr: [
        match(meta('oifname'), ifs(model.interfaces.lan)),
        match(ct('status'), 'dnat', 'in'),
        { masquerade: null },
      ],
    });
  }
  if (model.masquerade.lanToWan) {
    out.push({
      chain: CHAIN.snat,
      comment: 'masquerade: LAN to WAN',
      expr: [match(meta('oifname'), model.interfaces.wan), { masquerade: null }],
    });
  }
  return out;
}

function helperRules(model: GatewayModel): ExpectedRule[] {
  return enabledHelperKinds(model).flatMap((kind) => {
    const spec = HELPER_KIND_SPECS[kind];
    const servers = helperServers(model, kind);
    const ports = helperRulePorts(model, kind);
    if (servers.length === 0 || ports.length === 0) return [];
    return [
      {
        chain: helperChainName(kind),
        comment: `${kind} helper: inspect ${spec.inspects}`,
        expr: [
          match(meta('iifname'), model.interfaces.wan),
          match(payload('ip', 'daddr'), oneOrSet(servers)),
          match(payload(spec.protocol, 'dport'), oneOrSet(ports)),
          { 'ct helper': spec.objectName },
        ],
      },
    ];
  });
}

function filterRules(model: GatewayModel): ExpectedRule[] {
  const wan = model.interfaces.wan;
  const lan = ifs(model.interfaces.lan);
  const rule = (comment: string, ...expr: unknown[]) => ({ chain: CHAIN.filter, comment, expr });
  const passive = model.ftp.enabled && model.ftp.passiveOnly;
  const out: ExpectedRule[] = passive
    ? [
        rule('ftp passive-only: established flows', match(ct('state'), 'established', 'in'), { accept: null }),
        rule(
          'ftp passive-only: passive data connections',
          match(ct('state'), 'related', 'in'),
          match(ct('helper'), 'ftp'),
          match(meta('iifname'), wan),
          match(meta('oifname'), lan),
          match(payload('tcp', 'sport'), { range: [1024, 65535] }),
          { accept: null },
        ),
        rule(
          'ftp passive-only: active data connections are refused',
          match(ct('state'), 'related', 'in'),
          match(ct('helper'), 'ftp'),
          // The doctor reads what this rule refused (services/ftp-doctor/passive-only.ts).
          { counter: null },
          { drop: null },
        ),
        rule('ftp passive-only: other related traffic such as ICMP errors', match(ct('state'), 'related', 'in'), {
          accept: null,
        }),
      ]
    : [
        rule('filter: established and related flows', match(ct('state'), ['established', 'related'], 'in'), {
          accept: null,
        }),
      ];
  if (model.filter.policy === 'drop') {
    out.push(
      rule(
        'filter: port-forwarded connections',
        match(meta('iifname'), wan),
        match(meta('oifname'), lan),
        match(ct('state'), 'new', 'in'),
        match(ct('status'), 'dnat', 'in'),
        { accept: null },
      ),
    );
    if (model.filter.allowLanToWan) {
      out.push(rule('filter: LAN to WAN', match(meta('iifname'), lan), match(meta('oifname'), wan), { accept: null }));
    }
  }
  return out;
}

/** Every rule the model compiles to, chain by chain, in order. */
export function expectedRules(model: GatewayModel): ExpectedRule[] {
  return [
    ...gatewayForwardRules(model.gatewayForwards, model.interfaces.wan),
    ...forwardRules(model),
    ...masqueradeRules(model),
    ...helperRules(model),
    ...(needsForwardFilter(model) ? filterRules(model) : []),
  ];
}

export interface ChainHook {
  type: string;
  hook: string;
  prio: number;
  policy: string;
}

/** Every base chain the model declares, with its hook, priority and policy as nft's JSON gives them. */
export function expectedChains(model: GatewayModel): Map<string, ChainHook> {
  const chains = new Map<string, ChainHook>([
    [CHAIN.dnat, { type: 'nat', hook: 'prerouting', prio: -100, policy: 'accept' }],
    [CHAIN.snat, { type: 'nat', hook: 'postrouting', prio: 100, policy: 'accept' }],
  ]);
  for (const kind of enabledHelperKinds(model)) {
    chains.set(helperChainName(kind), { type: 'filter', hook: 'prerouting', prio: 10, policy: 'accept' });
  }
  if (needsForwardFilter(model)) {
    chains.set(CHAIN.filter, { type: 'filter', hook: 'forward', prio: 0, policy: model.filter.policy });
  }
  return chains;
}

/** Every chain a model may declare, whatever its settings. */
export const KNOWN_CHAINS: ReadonlySet<string> = new Set([
  ...Object.values(CHAIN),
  ...HELPER_KINDS.map(helperChainName),
]);
