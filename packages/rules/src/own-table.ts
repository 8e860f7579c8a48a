/**
 * Gatehouse's own table, as the kernel holds it (`nft -j list table ip T`),
 * read back into a GatewayModel: how a hand change (an element added with
 * `nft add element`, a rule removed) is adopted into the model.
 *
 * Two steps. First the table is read loosely: forward maps' elements become
 * forwards (grouped by the `forward <id>` comment each element carries; an
 * element added by hand without one becomes a forward of its own), redirect
 * rules become gateway forwards, and the masquerade, FTP helper, passive-only
 * and filter rules become their settings. Then the proposed model is checked
 * the other way round: the rules and elements it compiles to (built here in
 * nft's JSON shape, mirroring render/*.ts) must be exactly the live ones, the
 * chains, maps and helper exactly ours. What does not come back the same
 * cannot be expressed in the model and is listed, in words and by code, so a
 * caller can refuse to adopt rather than silently lose it.
 *
 * Names, comments and disabled forwards are not in the table: `base` (the
 * model the table was applied from) supplies them, and a forward whose
 * elements are unchanged is taken from it verbatim. A forward of `base`
 * whose elements are all gone by hand is kept, disabled.
 */
import { CHAIN, TABLE_FAMILY } from './compile.js';
import { HELPER_KIND_SPECS, HELPER_KINDS, type HelperKind } from './helper-kinds.js';
import { helperPolicy } from './helper-policy.js';
import {
  type GatewayForward,
  type GatewayModel,
  type GatewayModelInput,
  type PortForward,
  type PortForwardInput,
  validateModel,
} from './model.js';
import { type NftTarget, readTableJson } from './nft.js';
import {
  type ExpectedRule,
  expectedChains,
  expectedRules,
  FORWARD_RULE_COMMENTS,
  gatewayForwardRules,
  type Json,
  KNOWN_CHAINS,
  members,
  type NftObject,
  obj,
  portText,
  prefixText,
  same,
  strings,
} from './own-table-expected.js';
import { formatRange, type PortRange } from './ports.js';
import { compareIpv4 } from './render/format.js';
import { FORWARD_MAPS, type ForwardMapName, forwardElements } from './render/forwards.js';
import { helperChainName, helperRulePorts, helperServers } from './render/helpers.js';
import { hostRunner } from './runner.js';

/** One thing in the live table the model cannot say: a sentence, and a code with params for translation. */
export interface Unexpressible {
  code: 'adopt.rule' | 'adopt.element' | 'adopt.object' | 'adopt.invalid' | 'adopt.missing';
  params: Record<string, string | number>;
  text: string;
}

export interface OwnTableReading {
  /** The model the live table says, validated; null when the table is not ours to read. */
  model: GatewayModel | null;
  /** What the model cannot express; adopting is safe only when this is empty. */
  unexpressible: Unexpressible[];
}

export interface ReadOwnTableOptions {
  table: string;
  /** The model the table was applied from: names, comments, disabled forwards, settings the table does not show. */
  base?: GatewayModel | null;
  /** Rule handle -> the rule as `nft -a list table` prints it, to name a rule in words. */
  ruleText?: ReadonlyMap<number, string>;
}

// --- reading elements -----------------------------------------------------------

/** A live map element in forwardElements()' string form. */
interface LiveElement {
  map: ForwardMapName;
  key: string;
  value: string;
  /** The id its `forward <id>` comment names; null for an element added without one. */
  forwardId: string | null;
  /** Parsed parts. */
  proto: 'tcp' | 'udp';
  source: string | null;
  port: PortRange;
  target: string;
  targetPort: number | null;
}

function readElement(map: ForwardMapName, raw: unknown): LiveElement | string {
  const pair = Array.isArray(raw) ? raw : [raw, undefined];
  const wrapped = obj(obj(pair[0])?.elem);
  const val = wrapped ? wrapped.val : pair[0];
  const comment = typeof wrapped?.comment === 'string' ? wrapped.comment : null;
  const forwardId = comment ? (/^forward (\S+)$/.exec(comment)?.[1] ?? null) : null;
  let proto: 'tcp' | 'udp';
  let source: string | null = null;
  let portV: unknown = val;
  if (map.startsWith('forward_src_')) {
    const c = obj(val)?.concat;
    if (!Array.isArray(c) || c.length !== 3 || (c[0] !== 'tcp' && c[0] !== 'udp')) return JSON.stringify(val);
    proto = c[0];
    source = prefixText(c[1]);
    portV = c[2];
    if (source === null) return JSON.stringify(val);
  } else proto = map.includes('_tcp_') ? 'tcp' : 'udp';
  const key = portText(portV);
  if (key === null) return JSON.stringify(val);
  const [from, to] = key.split('-').map(Number) as [number, number | undefined];
  const value = pair[1];
  let target: string;
  let targetPort: number | null = null;
  if (typeof value === 'string') target = value;
  else {
    const c = obj(value)?.concat;
    if (!Array.isArray(c) || typeof c[0] !== 'string' || typeof c[1] !== 'number')
      return `${key} : ${JSON.stringify(value)}`;
    target = c[0];
    targetPort = c[1];
  }
  return {
    map,
    key: source === null ? key : `${proto} . ${source} . ${key}`,
    value: targetPort === null ? target : `${target} . ${targetPort}`,
    forwardId,
    proto,
    source,
    port: { from, to: to ?? from },
    target,
    targetPort,
  };
}

/** A forward read back from its elements (all of one forward id, or one hand-added element). */
function forwardFrom(id: string, els: LiveElement[], base: PortForward | undefined): PortForwardInput {
  const first = els[0] as LiveElement;
  const protos = new Set(els.map((e) => e.proto));
  const sources = [...new Set(els.flatMap((e) => (e.source === null ? [] : [e.source])))].sort(compareIpv4);
  const shifted = els.some((e) => e.targetPort !== null);
  const ports = new Map<string, PortRange>();
  for (const e of els) ports.set(formatRange(e.port), e.port);
  const ranges = [...ports.values()].sort((a, b) => a.from - b.from);
  let publicPorts = ranges.map(formatRange).join(',');
  let targetPort: number | undefined;
  if (shifted && ranges.length > 0) {
    const lo = (ranges[0] as PortRange).from;
    const hi = (ranges[ranges.length - 1] as PortRange).to;
    publicPorts = formatRange({ from: lo, to: hi });
    targetPort = (els.find((e) => e.port.from === lo)?.targetPort ?? lo) as number;
  }
  return {
    id,
    name: base?.name ?? id,
    enabled: true,
    protocol: protos.size === 2 ? 'both' : first.proto,
    publicPorts,
    target: first.target,
    ...(targetPort !== undefined ? { targetPort } : {}),
    allowedSources: sources,
    comment: base?.comment ?? '',
  };
}

/**
 * The forwards one id's elements say: one, or, when a tcp+udp forward's two
 * halves no longer match (an element of one removed by hand), one per
 * protocol, the udp one as `<id>-udp`.
 */
function forwardsFrom(id: string, els: LiveElement[], base: PortForward | undefined): PortForwardInput[] {
  const half = (proto: string) =>
    els
      .filter((e) => e.proto === proto)
      .map((e) => `${e.source}|${formatRange(e.port)}|${e.target}|${e.targetPort}`)
      .sort()
      .join(' ');
  const tcp = half('tcp');
  const udp = half('udp');
  if (tcp === '' || udp === '' || tcp === udp) return [forwardFrom(id, els, base)];
  return [
    forwardFrom(
      id,
      els.filter((e) => e.proto === 'tcp'),
      base,
    ),
    forwardFrom(
      `${id}-udp`,
      els.filter((e) => e.proto === 'udp'),
      base,
    ),
  ];
}

const elementKey = (e: Pick<LiveElement, 'map' | 'key' | 'value'>) => `${e.map}|${e.key}|${e.value}`;
const elementText = (e: Pick<LiveElement, 'map' | 'key' | 'value'>) => `${e.key} : ${e.value} (map ${e.map})`;

// --- the reader ------------------------------------------------------------------

export function readOwnTable(json: unknown, options: ReadOwnTableOptions): OwnTableReading {
  const { table } = options;
  const base = options.base ?? null;
  const problems: Unexpressible[] = [];
  const say = (code: Unexpressible['code'], params: Unexpressible['params'], text: string) =>
    problems.push({ code, params, text });
  const list = (obj(json)?.nftables as unknown[] | undefined) ?? [];
  const objects = list.map((o) => obj(o) as NftObject | undefined).filter((o): o is NftObject => o !== undefined);
  const mine = (o: Json) => o.family === TABLE_FAMILY && (o.table === table || o.name === table);
  if (!objects.some((o) => o.table && mine(o.table))) return { model: null, unexpressible: [] };

  const maps = new Map<string, Json>();
  const chains = new Map<string, Json>();
  const rules: Json[] = [];
  const helpers = new Map<HelperKind, Json>();
  const kindOfObject = new Map(HELPER_KINDS.map((k) => [HELPER_KIND_SPECS[k].objectName, k]));
  for (const o of objects) {
    const [kind, body] = Object.entries(o)[0] ?? [];
    if (!kind || !body || kind === 'metainfo' || kind === 'table' || body.table !== table) continue;
    if (kind === 'map') maps.set(String(body.name), body);
    else if (kind === 'chain') chains.set(String(body.name), body);
    else if (kind === 'rule') rules.push(body);
    else if (kind === 'ct helper' && kindOfObject.has(String(body.name)))
      helpers.set(kindOfObject.get(String(body.name)) as HelperKind, body);
    else
      say(
        'adopt.object',
        { kind, name: String(body.name ?? '') },
        `${kind} ${String(body.name ?? '')} is not part of the model`,
      );
  }

  // Objects: our eight maps exactly, the helper as we declare it, no other chain.
  const live: LiveElement[] = [];
  for (const spec of FORWARD_MAPS) {
    const m = maps.get(spec.name);
    maps.delete(spec.name);
    const keyType = spec.key.includes(' . ') ? spec.key.split(' . ') : spec.key;
    const flags = spec.interval ? ['interval'] : undefined;
    if (
      !m ||
      !same(m.type, keyType) ||
      m.map !== spec.value ||
      !same(m.flags, flags) ||
      m.comment !== spec.what ||
      !same(m.stmt, [{ counter: null }])
    ) {
      say('adopt.object', { kind: 'map', name: spec.name }, `map ${spec.name} is not as Gatehouse declares it`);
    }
    for (const raw of (m?.elem as unknown[] | undefined) ?? []) {
      const e = readElement(spec.name, raw);
      if (typeof e === 'string')
        say('adopt.element', { map: spec.name, element: e }, `element ${e} in map ${spec.name}`);
      else live.push(e);
    }
  }
  for (const name of maps.keys()) say('adopt.object', { kind: 'map', name }, `map ${name} is not part of the model`);
  for (const [kind, h] of helpers) {
    const spec = HELPER_KIND_SPECS[kind];
    if (h.type !== spec.nftType || h.protocol !== spec.protocol || h.l3proto !== 'ip') {
      say(
        'adopt.object',
        { kind: 'ct helper', name: spec.objectName },
        `ct helper ${spec.objectName} is not as Gatehouse declares it`,
      );
    }
  }
  for (const name of chains.keys()) {
    if (!KNOWN_CHAINS.has(name)) say('adopt.object', { kind: 'chain', name }, `chain ${name} is not part of the model`);
  }

  // Settings, read loosely from the rules that carry them (checked exactly below).
  const exprOf = (r: Json) => (Array.isArray(r.expr) ? (r.expr as Json[]) : []);
  const matchOf = (r: Json, key: string, field?: string) => {
    for (const e of exprOf(r)) {
      const m = obj(e.match);
      const left = obj(m?.left);
      if (!m || !left) continue;
      if (
        field ? obj(left.payload)?.protocol === key && obj(left.payload)?.field === field : obj(left.meta)?.key === key
      )
        return m.right;
      if (!field && obj(left.ct)?.key === key) return m.right;
    }
    return undefined;
  };
  const inChain = (name: string) => rules.filter((r) => r.chain === name);
  const byComment = (name: string, comment: string) => inChain(name).find((r) => r.comment === comment);
  const forwardRule =
    byComment(CHAIN.dnat, FORWARD_RULE_COMMENTS.forward_tcp_same_port) ??
    inChain(CHAIN.dnat).find((r) => exprOf(r).some((e) => obj(e.dnat)));
  const masqServers = byComment(CHAIN.snat, 'masquerade: forwarded servers see the gateway as peer');
  const masqLan = byComment(CHAIN.snat, 'masquerade: LAN to WAN');
  const filterChain = chains.get(CHAIN.filter);
  const portForwarded = byComment(CHAIN.filter, 'filter: port-forwarded connections');
  const wan =
    [forwardRule && matchOf(forwardRule, 'iifname'), masqLan && matchOf(masqLan, 'oifname')].find(
      (v): v is string => typeof v === 'string',
    ) ?? base?.interfaces.wan;
  const lanRead = [masqServers, portForwarded].map((r) => r && strings(matchOf(r, 'oifname'))).find((v) => v);
  const baseLan = base?.interfaces.lan ?? [];
  const lan =
    lanRead && !(lanRead.length === baseLan.length && lanRead.every((n) => baseLan.includes(n))) ? lanRead : baseLan;

  // Gateway forwards: redirect rules, grouped by the id in their comment. One whose rules are
  // what the base's would compile to is the base's (nft merges adjacent source prefixes).
  const redirects = new Map<string, Json[]>();
  for (const r of inChain(CHAIN.dnat)) {
    if (!exprOf(r).some((e) => obj(e.redirect))) continue;
    const port = exprOf(r)
      .map((e) => obj(e.match))
      .find((m) => obj(obj(m?.left)?.payload)?.field === 'dport')?.right;
    const id =
      (typeof r.comment === 'string' && /^gateway forward (\S+)$/.exec(r.comment)?.[1]) ||
      `hand-gateway-${String(port)}`;
    redirects.set(id, [...(redirects.get(id) ?? []), r]);
  }
  const gateway = new Map<string, { g: GatewayForward; protos: Set<string> }>();
  for (const [id, group] of redirects) {
    const was = base?.gatewayForwards.find((x) => x.id === id);
    const wasRules = was ? gatewayForwardRules([{ ...was, enabled: true }], wan ?? '').map((x) => x.expr) : [];
    if (was && wasRules.length === group.length && wasRules.every((x) => group.some((r) => same(x, r.expr)))) {
      gateway.set(id, {
        g: { ...was, enabled: true },
        protos: new Set(was.protocol === 'both' ? ['tcp', 'udp'] : [was.protocol]),
      });
      continue;
    }
    for (const r of group) {
      const red = exprOf(r).find((e) => obj(e.redirect)) as Json;
      const dport = exprOf(r)
        .map((e) => obj(obj(obj(e.match)?.left)?.payload))
        .find((p) => p?.field === 'dport');
      const proto = dport?.protocol;
      const publicPort = matchOf(r, String(proto), 'dport');
      const localPort = obj(red.redirect)?.port;
      const saddr = matchOf(r, 'ip', 'saddr');
      const sources = saddr === undefined ? [] : members(saddr).map(prefixText);
      if (
        (proto !== 'tcp' && proto !== 'udp') ||
        typeof publicPort !== 'number' ||
        typeof localPort !== 'number' ||
        sources.includes(null)
      )
        continue; // not a gateway forward's shape: reported as an unexpected rule below
      const known = gateway.get(id);
      if (known) known.protos.add(proto);
      else {
        gateway.set(id, {
          g: {
            id,
            name: was?.name ?? id,
            enabled: true,
            protocol: proto,
            publicPort,
            localPort,
            allowedSources: (sources as string[]).sort(compareIpv4),
            comment: was?.comment ?? '',
          },
          protos: new Set([proto]),
        });
      }
    }
  }
  const gatewayForwards: GatewayForward[] = [];
  for (const { g, protos } of gateway.values())
    gatewayForwards.push({ ...g, protocol: protos.size === 2 ? 'both' : g.protocol });
  for (const b of base?.gatewayForwards ?? []) {
    if (!gateway.has(b.id)) gatewayForwards.push({ ...b, enabled: false });
  }
  const order = new Map((base?.gatewayForwards ?? []).map((g, i) => [g.id, i]));
  gatewayForwards.sort((a, b) => (order.get(a.id) ?? 1e9) - (order.get(b.id) ?? 1e9));

  // Forwards: elements grouped by forward id; one forward per element added without an id.
  const groups = new Map<string, LiveElement[]>();
  const taken = new Set([...(base?.forwards ?? []).map((f) => f.id), ...gatewayForwards.map((g) => g.id)]);
  for (const e of live) {
    let id = e.forwardId;
    if (id === null) {
      const stem = `hand-${e.proto}-${e.port.from}`;
      id = stem;
      for (let n = 2; taken.has(id) || groups.has(id); n++) id = `${stem}-${n}`;
    }
    const g = groups.get(id);
    if (g) g.push(e);
    else groups.set(id, [e]);
  }
  const baseForwards = new Map((base?.forwards ?? []).map((f) => [f.id, f]));
  const forwards: PortForwardInput[] = [];
  for (const f of base?.forwards ?? []) {
    const els = groups.get(f.id);
    if (!els) {
      forwards.push(f.enabled ? { ...f, enabled: false } : f);
      continue;
    }
    const now = new Set(els.map(elementKey));
    const then = forwardElements({ ...f, enabled: true }).map((x) => elementKey(normalizedElement(x)));
    const unchanged = f.enabled && then.length === now.size && then.every((k) => now.has(k));
    forwards.push(...(unchanged ? [f] : forwardsFrom(f.id, els, f)));
    groups.delete(f.id);
  }
  for (const [id, els] of groups) forwards.push(...forwardsFrom(id, els, baseForwards.get(id)));

  // Helper settings: each kind's object says it is on, its rule names servers and ports.
  const sameSet = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x) => b.includes(x));
  const serversRead = new Map<HelperKind, string[]>();
  const helperSection = (kind: HelperKind) => {
    const spec = HELPER_KIND_SPECS[kind];
    const was = base ? helperPolicy(base, kind) : null;
    const rule = helpers.has(kind) ? inChain(helperChainName(kind))[0] : undefined;
    const servers = rule ? (strings(matchOf(rule, 'ip', 'daddr')) ?? []) : null;
    const ports = rule
      ? members(matchOf(rule, spec.protocol, 'dport')).filter((p): p is number => typeof p === 'number')
      : [];
    if (servers) serversRead.set(kind, servers);
    return {
      enabled: helpers.has(kind),
      // The rule may leave out FTPS-only control ports (render/helpers.ts helperRulePorts): still the model's.
      [spec.portsField]:
        base && was && (sameSet(ports, was.ports) || sameSet(ports, helperRulePorts(base, kind)))
          ? was.ports
          : ports.length > 0
            ? ports
            : (was?.ports ?? [...spec.defaultPorts]),
      servers: servers === null || (was && sameSet(servers, was.servers)) ? (was?.servers ?? []) : servers,
    };
  };
  const passiveOnly = byComment(CHAIN.filter, 'ftp passive-only: active data connections are refused') !== undefined;
  const policy = filterChain?.policy === 'drop' ? 'drop' : 'accept';
  const draft: GatewayModelInput = {
    // Sections the table does not show (none today but the helpers' defaults) come from the base.
    ...(base ?? {}),
    version: 1,
    table,
    interfaces: { wan: wan ?? '', lan },
    forwards,
    gatewayForwards,
    masquerade: { forwardedServers: masqServers !== undefined, lanToWan: masqLan !== undefined },
    ftp: { ...helperSection('ftp'), passiveOnly } as GatewayModelInput['ftp'],
    tftp: helperSection('tftp') as GatewayModelInput['tftp'],
    filter: {
      policy,
      allowLanToWan:
        policy === 'drop'
          ? byComment(CHAIN.filter, 'filter: LAN to WAN') !== undefined
          : (base?.filter.allowLanToWan ?? true),
    },
  };
  // Servers left empty in the model (every forwarded server) compile to the same rule: keep that.
  const parsedDraft = validateModel(draft);
  if (parsedDraft.ok) {
    for (const kind of HELPER_KINDS) {
      const read = serversRead.get(kind);
      if (
        !read ||
        parsedDraft.model[kind].servers.length === 0 ||
        (base && helperPolicy(base, kind).servers.length > 0)
      )
        continue;
      const implied = helperServers(
        { ...parsedDraft.model, [kind]: { ...parsedDraft.model[kind], servers: [] } },
        kind,
      );
      if (sameSet(implied, read)) draft[kind] = { ...(draft[kind] as object), servers: [] };
    }
  }
  const parsed = validateModel(draft);
  if (!parsed.ok) {
    for (const p of parsed.problems) {
      say(
        'adopt.invalid',
        { path: p.path, message: p.message },
        `the adopted model would be invalid: ${p.path}: ${p.message}`,
      );
    }
    return { model: null, unexpressible: problems };
  }
  const model = parsed.model;

  // The other way round: what the model compiles to must be the live table exactly.
  const wantedChains = expectedChains(model);
  for (const [name, hook] of wantedChains) {
    const c = chains.get(name);
    if (!c || c.type !== hook.type || c.hook !== hook.hook || c.prio !== hook.prio || c.policy !== hook.policy) {
      say('adopt.object', { kind: 'chain', name }, `chain ${name} is not as Gatehouse declares it`);
    }
  }
  for (const name of chains.keys()) {
    if (KNOWN_CHAINS.has(name) && !wantedChains.has(name)) {
      say('adopt.object', { kind: 'chain', name }, `chain ${name} is not part of the model`);
    }
  }
  const expected = expectedRules(model);
  const describeRule = (r: Json) =>
    options.ruleText?.get(Number(r.handle)) ??
    `${String(r.comment ?? JSON.stringify(r.expr))} (chain ${String(r.chain)})`;
  for (const chainName of new Set([...rules.map((r) => String(r.chain)), ...expected.map((r) => r.chain)])) {
    const want = expected.filter((r) => r.chain === chainName);
    const have = inChain(chainName);
    // The forward filter's verdicts depend on order; the NAT and helper chains' rules are disjoint.
    const ordered = chainName === CHAIN.filter;
    const left = [...want];
    for (const r of have) {
      const fits = (w: ExpectedRule) =>
        same(w.expr, r.expr) &&
        (r.comment === undefined ||
          r.comment === w.comment ||
          (w.chain === CHAIN.dnat && String(w.comment).startsWith('gateway forward hand-')));
      const at = ordered ? (left[0] && fits(left[0]) ? 0 : -1) : left.findIndex(fits);
      if (at >= 0) left.splice(at, 1);
      else
        say(
          'adopt.rule',
          { chain: chainName, rule: describeRule(r) },
          `rule in chain ${chainName}: ${describeRule(r)}`,
        );
    }
    for (const w of left)
      say(
        'adopt.missing',
        { what: `rule "${w.comment}" in chain ${chainName}` },
        `rule "${w.comment}" is missing from chain ${chainName}`,
      );
  }
  const wantElements = new Map<string, number>();
  for (const f of model.forwards) {
    for (const e of forwardElements(f)) {
      const k = elementKey(normalizedElement(e));
      wantElements.set(k, (wantElements.get(k) ?? 0) + 1);
    }
  }
  for (const e of live) {
    const k = elementKey(e);
    const n = wantElements.get(k) ?? 0;
    if (n > 0) wantElements.set(k, n - 1);
    else
      say(
        'adopt.element',
        { map: e.map, element: elementText(e) },
        `element ${elementText(e)} cannot be said as a forward`,
      );
  }
  for (const [k, n] of wantElements) {
    if (n <= 0) continue;
    const [map, key, value] = k.split('|') as [ForwardMapName, string, string];
    say(
      'adopt.missing',
      { what: `element ${elementText({ map, key, value })}` },
      `element ${elementText({ map, key, value })} would be added`,
    );
  }
  return { model, unexpressible: problems };
}

/** forwardElements' strings as nft lists them: a /32 source is the bare address. */
function normalizedElement<T extends { key: string }>(e: T): T {
  return { ...e, key: e.key.replace(/\/32 \./, ' .') };
}

/** Reads the live table (JSON, and the rule texts to name what cannot be adopted) through the runner. */
export async function readOwnTableLive(
  table: string,
  base: GatewayModel | null,
  target: NftTarget = {},
): Promise<OwnTableReading> {
  const runner = target.runner ?? hostRunner();
  const [json, text] = await Promise.all([
    readTableJson(table, { runner }),
    runner.run('nft', ['-a', 'list', 'table', TABLE_FAMILY, table], { reject: false }),
  ]);
  return readOwnTable(json, { table, base, ruleText: ruleTexts(text.stdout) });
}

/** Rule handle -> rule text from `nft -a list table`. */
export function ruleTexts(listing: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of listing.split('\n')) {
    const m = /^\s*(.*\S)\s+# handle (\d+)$/.exec(line);
    if (m && !/^(table|chain|map|set|ct helper)\b/.test(m[1] as string) && !(m[1] as string).endsWith('{')) {
      out.set(Number(m[2]), (m[1] as string).replace(/counter packets \d+ bytes \d+/g, 'counter'));
    }
  }
  return out;
}

export type { PortForward };
