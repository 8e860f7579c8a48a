/**
 * Adopting an existing gateway: read a live ruleset (`nft -j list ruleset`)
 * and propose the equivalent Gatehouse model, with a note for everything that
 * could not be carried over. Nothing is changed: the caller shows the
 * proposal (and its compiled script) as a preview first.
 *
 * Understood: DNAT/redirect rules in nat prerouting chains (port, range or
 * set matches on tcp/udp dport, iifname, ip saddr), masquerade rules in nat
 * postrouting chains, ct helper objects of type ftp with their `ct helper set`
 * rules, and `ct helper "ftp"` drop rules (passive-only).
 */
import { type GatewayModelInput, validateModel } from './model.js';
import { formatRange, type PortRange } from './ports.js';

type Json = Record<string, unknown>;

export interface ImportHints {
  /** Interfaces with their IPv4 prefixes (`ip -j addr`), to find the LAN side of forward targets. */
  interfaces?: Array<{ name: string; prefixes: string[] }>;
  /** Only these tables (family ip or inet); default every table except Gatehouse's own. */
  tables?: string[];
  ownTable?: string;
}

export interface ImportProposal {
  model: GatewayModelInput;
  /** Rules and objects that were not carried over, and guesses that need a look. */
  notes: string[];
  /** Tables the proposal was read from. */
  sources: string[];
  valid: boolean;
  problems: Array<{ path: string; message: string }>;
}

interface Cond {
  iifname?: string;
  oifname?: string;
  proto?: 'tcp' | 'udp';
  dports?: PortRange[];
  saddr?: string[];
  daddr?: string[];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [v];
}

function portsOf(right: unknown): PortRange[] | undefined {
  const out: PortRange[] = [];
  for (const item of asArray((right as Json)?.set ?? right)) {
    if (typeof item === 'number') out.push({ from: item, to: item });
    else if (item && typeof item === 'object' && Array.isArray((item as Json).range)) {
      const [a, b] = (item as { range: unknown[] }).range;
      if (typeof a !== 'number' || typeof b !== 'number') return undefined;
      out.push({ from: a, to: b });
    } else return undefined;
  }
  return out.sort((x, y) => x.from - y.from);
}

function addrsOf(right: unknown): string[] | undefined {
  const out: string[] = [];
  for (const item of asArray((right as Json)?.set ?? right)) {
    if (typeof item === 'string') out.push(item);
    else if (item && typeof item === 'object' && (item as Json).prefix) {
      const p = (item as { prefix: { addr: string; len: number } }).prefix;
      out.push(`${p.addr}/${p.len}`);
    } else return undefined;
  }
  return out;
}

/** Reads the match statements of a rule; returns undefined when one is not understood. */
function conditions(exprs: Json[]): { cond: Cond; rest: Json[]; ct: Json[] } | undefined {
  const cond: Cond = {};
  const rest: Json[] = [];
  const ct: Json[] = [];
  for (const e of exprs) {
    const m = e.match as Json | undefined;
    if (!m) {
      rest.push(e);
      continue;
    }
    if (m.op !== '==' && m.op !== 'in') return undefined;
    const left = m.left as Json;
    const meta = (left.meta as Json | undefined)?.key;
    const payload = left.payload as Json | undefined;
    if (meta === 'iifname' && typeof m.right === 'string') cond.iifname = m.right;
    else if (meta === 'oifname' && typeof m.right === 'string') cond.oifname = m.right;
    else if (meta === 'iif' && typeof m.right === 'string') cond.iifname = m.right;
    else if (meta === 'oif' && typeof m.right === 'string') cond.oifname = m.right;
    else if (meta === 'l4proto' && (m.right === 'tcp' || m.right === 'udp')) cond.proto = m.right;
    else if (payload && (payload.protocol === 'tcp' || payload.protocol === 'udp') && payload.field === 'dport') {
      const ports = portsOf(m.right);
      if (!ports) return undefined;
      cond.proto = payload.protocol;
      cond.dports = ports;
    } else if (payload && payload.protocol === 'ip' && (payload.field === 'saddr' || payload.field === 'daddr')) {
      const addrs = addrsOf(m.right);
      if (!addrs) return undefined;
      if (payload.field === 'saddr') cond.saddr = addrs;
      else cond.daddr = addrs;
    } else if ((left.ct as Json | undefined)?.key) {
      ct.push(m);
    } else return undefined;
  }
  return { cond, rest, ct };
}

function inSubnet(addr: string, prefix: string): boolean {
  const [net, lenText] = prefix.split('/');
  const len = Number(lenText ?? 32);
  const n = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - len);
  return Math.floor(n(addr) / size) === Math.floor(n(net ?? '') / size);
}

function slug(text: string, used: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'forward';
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base}-${i}`;
  used.add(id);
  return id;
}

export function proposeModel(rulesetJson: unknown, hints: ImportHints = {}): ImportProposal {
  const items = ((rulesetJson as Json)?.nftables ?? []) as Json[];
  const own = hints.ownTable ?? 'gatehouse';
  const wanted = (t: Json) =>
    (t.family === 'ip' || t.family === 'inet') &&
    t.name !== own &&
    (hints.tables === undefined || hints.tables.includes(String(t.name)));
  const tables = items.map((i) => i.table as Json | undefined).filter((t): t is Json => !!t && wanted(t));
  const tableKeys = new Set(tables.map((t) => `${t.family} ${t.name}`));
  const inTables = (o: Json) => tableKeys.has(`${o.family} ${o.table}`);
  const chains = new Map<string, Json>();
  for (const i of items) {
    const c = i.chain as Json | undefined;
    if (c && inTables(c)) chains.set(`${c.family} ${c.table} ${c.name}`, c);
  }
  const helpers = items
    .map((i) => i['ct helper'] as Json | undefined)
    .filter((h): h is Json => !!h && inTables(h) && h.type === 'ftp');

  const notes: string[] = [];
  const used = new Set<string>();
  const forwards: NonNullable<GatewayModelInput['forwards']> = [];
  const gatewayForwards: NonNullable<GatewayModelInput['gatewayForwards']> = [];
  const wanVotes = new Map<string, number>();
  let forwardedServers = false;
  let lanToWan = false;
  const helperPorts = new Set<number>();
  const helperServers = new Set<string>();
  let passiveOnly = false;
  const vote = (name: string | undefined) => {
    if (name) wanVotes.set(name, (wanVotes.get(name) ?? 0) + 1);
  };

  for (const i of items) {
    const rule = i.rule as Json | undefined;
    if (!rule || !inTables(rule)) continue;
    const chain = chains.get(`${rule.family} ${rule.table} ${rule.chain}`);
    const where = `${rule.family} ${rule.table} ${rule.chain} (handle ${rule.handle})`;
    const parsed = conditions((rule.expr ?? []) as Json[]);
    if (!parsed) {
      notes.push(`${where}: a match that Gatehouse does not model; not carried over`);
      continue;
    }
    const { cond, rest, ct } = parsed;
    const verb = rest.find((e) => !('counter' in e) && !('comment' in e)) ?? {};
    const comment =
      typeof (rest.find((e) => 'comment' in e) as Json | undefined)?.comment === 'string'
        ? String((rest.find((e) => 'comment' in e) as Json).comment)
        : '';
    const hook = chain?.hook;
    const type = chain?.type;

    if (type === 'nat' && hook === 'prerouting' && ('dnat' in verb || 'redirect' in verb)) {
      const nat = (verb.dnat ?? verb.redirect ?? {}) as Json;
      if (!cond.dports || !cond.proto) {
        notes.push(`${where}: DNAT without a tcp/udp port match; not carried over`);
        continue;
      }
      vote(cond.iifname);
      const allowedSources = cond.saddr ?? [];
      const addr = typeof nat.addr === 'string' ? nat.addr : undefined;
      const port = typeof nat.port === 'number' ? nat.port : undefined;
      if (!addr) {
        // `dnat to :22` / `redirect to :22`: a service on the gateway itself.
        for (const r of cond.dports) {
          if (r.from !== r.to) {
            notes.push(`${where}: a port range to the gateway itself; Gatehouse takes single ports there`);
            continue;
          }
          gatewayForwards.push({
            id: slug(`gateway-${r.from}`, used),
            name: comment || `gateway port ${r.from} to local ${port ?? r.from}`,
            protocol: cond.proto,
            publicPort: r.from,
            localPort: port ?? r.from,
            allowedSources,
          });
        }
        continue;
      }
      const single = cond.dports.length === 1 ? cond.dports[0] : undefined;
      if (port !== undefined && !single) {
        notes.push(`${where}: a port list to a different port; not carried over`);
        continue;
      }
      forwards.push({
        id: slug(comment || `${cond.proto}-${formatRange(cond.dports[0] as PortRange)}-${addr}`, used),
        name: comment || `${cond.proto} ${cond.dports.map(formatRange).join(',')} to ${addr}`,
        protocol: cond.proto,
        publicPorts: cond.dports.map(formatRange).join(','),
        target: addr,
        ...(port !== undefined && single && port !== single.from ? { targetPort: port } : {}),
        allowedSources,
        comment: `imported from ${rule.family} ${rule.table} ${rule.chain}`,
      });
      continue;
    }
    if (type === 'nat' && hook === 'postrouting' && 'masquerade' in verb) {
      if (cond.oifname) {
        lanToWan = true;
        vote(cond.oifname);
      } else if (cond.daddr) forwardedServers = true;
      else notes.push(`${where}: masquerade without an interface or destination; read as LAN to WAN`);
      continue;
    }
    if (typeof verb['ct helper'] === 'string') {
      if (helpers.some((h) => h.name === verb['ct helper'])) {
        for (const r of cond.dports ?? [{ from: 21, to: 21 }]) {
          for (let p = r.from; p <= r.to && p - r.from < 16; p++) helperPorts.add(p);
        }
        for (const a of cond.daddr ?? []) helperServers.add(a);
        continue;
      }
    }
    const ctHelperMatch = ct.some((m) => ((m.left as Json).ct as Json).key === 'helper' && m.right === 'ftp');
    if ('drop' in verb && ctHelperMatch) {
      passiveOnly = true;
      continue;
    }
    if (type === 'filter' && hook === 'forward' && ct.length > 0 && ('accept' in verb || ctHelperMatch)) {
      continue; // the established/related rules that go with passive-only; Gatehouse renders its own
    }
    notes.push(`${where}: not a port forward, masquerade or FTP helper rule; not carried over`);
  }

  const wan = [...wanVotes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'eth0';
  const targets = [...new Set(forwards.map((f) => f.target))];
  const lan = new Set<string>();
  for (const iface of hints.interfaces ?? []) {
    if (iface.name === wan) continue;
    if (targets.some((t) => iface.prefixes.some((p) => inSubnet(t, p)))) lan.add(iface.name);
  }
  if (lan.size === 0) {
    lan.add(wan === 'eth1' ? 'eth0' : 'eth1');
    notes.push(`the LAN interface could not be told from the ruleset; guessed ${[...lan][0]}, check it`);
  }
  if (helpers.length > 0 && helperPorts.size === 0)
    notes.push('an FTP ct helper object is defined but no rule assigns it');

  const model: GatewayModelInput = {
    interfaces: { wan, lan: [...lan] },
    gatewayForwards,
    forwards,
    masquerade: { forwardedServers, lanToWan },
    ftp: {
      enabled: helperPorts.size > 0,
      controlPorts: helperPorts.size > 0 ? [...helperPorts].sort((a, b) => a - b) : [21],
      servers: [...helperServers],
      passiveOnly: passiveOnly && helperPorts.size > 0,
    },
    filter: { policy: 'accept', allowLanToWan: true },
  };
  const checked = validateModel(model);
  return {
    model,
    notes,
    sources: tables.map((t) => `${t.family} ${t.name}`),
    valid: checked.ok,
    problems: checked.ok ? [] : checked.problems,
  };
}
