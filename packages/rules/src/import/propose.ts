/**
 * From what was recognised to a proposal: the interfaces named by the
 * ruleset (checked against the live ones), the forwards, gateway forwards,
 * masquerade, FTP helper and passive-only, and the forward filter, as a
 * GatewayModel that passes validation. What cannot be carried, or would make
 * the model invalid, is left out with a note saying so.
 */
import { type FieldProblem, type GatewayModelInput, targetRanges, validateModel } from '../model.js';
import { formatRange, type PortRange } from '../ports.js';
import { type ImportNote, note } from './notes.js';
import type { Findings } from './recognise.js';
import { inPrefix } from './values.js';

export interface InterfaceHint {
  name: string;
  /** IPv4 prefixes on it (`ip -j addr`), e.g. 192.168.1.1/24. */
  prefixes: string[];
}

export interface ProposalInput {
  findings: Findings;
  liveInterfaces?: readonly string[] | undefined;
  interfaceHints?: readonly InterfaceHint[] | undefined;
}

export interface ProposedInterfaces {
  wan: string;
  lan: string[];
  /** Both read from the ruleset (no guess). */
  fromRuleset: boolean;
  /** Interfaces the proposal names that are not live (only when live interfaces were given). */
  missing: string[];
}

export interface Proposal {
  model: GatewayModelInput;
  valid: boolean;
  problems: FieldProblem[];
  notes: ImportNote[];
  interfaces: ProposedInterfaces;
}

const MAX_HELPER_PORTS = 16;

function slug(text: string, used: Set<string>): string {
  const base =
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32)
      .replace(/-+$/, '') || 'forward';
  let id = base;
  for (let i = 2; used.has(id); i++) id = `${base.slice(0, 36)}-${i}`;
  used.add(id);
  return id;
}

/** A name the model accepts: printable, no quotes or backslashes, at most 64 characters. */
function cleanName(text: string | undefined, fallback: string): string {
  const t = (text ?? '')
    .replace(/^!fw4:\s*/, '')
    .replace(/["\\\p{Cc}]/gu, '')
    .trim()
    .slice(0, 64);
  return t || fallback;
}

function vote(votes: Map<string, number>, names: readonly string[] | undefined, weight = 1) {
  if (names?.length !== 1) return;
  const name = names[0] as string;
  if (name.endsWith('*')) return;
  votes.set(name, (votes.get(name) ?? 0) + weight);
}

function top(votes: Map<string, number>): string | undefined {
  return [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

function chooseInterfaces(input: ProposalInput, notes: ImportNote[]): ProposedInterfaces {
  const f = input.findings;
  const wanVotes = new Map<string, number>();
  for (const fw of f.forwards) vote(wanVotes, fw.iif, 2);
  for (const g of f.gatewayForwards) vote(wanVotes, g.iif, 2);
  for (const m of f.masquerades)
    if (!m.dnatOnly && !m.daddr && !m.saddr?.some((s) => s.includes('/'))) vote(wanVotes, m.oif);
  let guessed = false;
  let wan = top(wanVotes);
  const live = input.liveInterfaces?.filter((n) => n !== 'lo');
  if (!wan) {
    wan = live?.[0] ?? 'eth0';
    guessed = true;
    notes.push(note('interfaces.guessed_wan', { wan }));
  }
  const lanVotes = new Map<string, number>();
  const targets = new Set(f.forwards.map((fw) => fw.target));
  for (const m of f.masquerades) {
    if (m.oif && (m.dnatOnly || m.daddr?.some((d) => targets.has(d)) || !m.oif.includes(wan))) vote(lanVotes, m.oif);
  }
  for (const a of f.forwardAccepts) if (a.oif?.includes(wan)) vote(lanVotes, a.iif);
  for (const r of f.reflections) vote(lanVotes, r.iif);
  for (const hint of input.interfaceHints ?? []) {
    if (
      [...targets].some((t) =>
        hint.prefixes.some((p) => inPrefix(t, p.split('/')[0] ?? '', Number(p.split('/')[1] ?? 32))),
      )
    ) {
      lanVotes.set(hint.name, (lanVotes.get(hint.name) ?? 0) + 1);
    }
  }
  lanVotes.delete(wan);
  let lan = [...lanVotes.keys()].sort();
  if (lan.length === 0) {
    const others = live?.filter((n) => n !== wan);
    lan = others && others.length > 0 ? [others[0] as string] : [wan === 'eth1' ? 'eth0' : 'eth1'];
    guessed = true;
    notes.push(note('interfaces.guessed_lan', { lan: lan.join(', ') }));
  }
  lan = lan.slice(0, 16);
  const missing = input.liveInterfaces ? [wan, ...lan].filter((n) => !input.liveInterfaces?.includes(n)) : [];
  for (const name of missing) notes.push(note('interfaces.missing', { name }));
  if (!guessed) notes.push(note('interfaces.from_ruleset', { wan, lan: lan.join(', ') }));
  return { wan, lan, fromRuleset: !guessed, missing };
}

const portsText = (ranges: readonly PortRange[]) => ranges.map(formatRange).join(',');

export function buildProposal(input: ProposalInput): Proposal {
  const f = input.findings;
  const notes: ImportNote[] = [];
  const interfaces = chooseInterfaces(input, notes);
  const { wan, lan } = interfaces;
  const used = new Set<string>();

  // Forwards: merge rules that differ only by source (one rule per source prefix is common).
  const forwards: NonNullable<GatewayModelInput['forwards']> = [];
  const merged = new Map<string, NonNullable<GatewayModelInput['forwards']>[number]>();
  const reflections = [...f.reflections];
  for (const fw of f.forwards) {
    if (fw.iif && !fw.iif.includes(wan) && fw.daddr) {
      // From a LAN interface to the public address: reflection (fw4's `iifname "br-lan" ip daddr <wan> ... dnat`).
      reflections.push(fw);
      continue;
    }
    if (fw.iif && !fw.iif.includes(wan)) {
      notes.push(
        note('rule.not_modelled', { hook: 'prerouting', what: `DNAT on ${fw.iif.join(',')}, not the WAN` }, fw.where),
      );
      continue;
    }
    if (fw.targetPort !== undefined && fw.ports.length > 1) {
      notes.push(note('dnat.range_to_port', {}, fw.where));
      continue;
    }
    const first = fw.ports[0] as PortRange;
    const key = `${fw.proto} ${portsText(fw.ports)} ${fw.target} ${fw.targetPort ?? ''}`;
    const prev = merged.get(key);
    if (prev) {
      const a = prev.allowedSources ?? [];
      prev.allowedSources = a.length === 0 || fw.sources.length === 0 ? [] : [...new Set([...a, ...fw.sources])];
      continue;
    }
    const name = cleanName(fw.comment?.replace(/^forward /, ''), `${fw.proto} ${portsText(fw.ports)} to ${fw.target}`);
    const entry = {
      id: slug(fw.comment ? name : `${fw.proto}-${formatRange(first)}`, used),
      name,
      protocol: fw.proto,
      publicPorts: portsText(fw.ports),
      target: fw.target,
      ...(fw.targetPort !== undefined && fw.targetPort !== first.from ? { targetPort: fw.targetPort } : {}),
      allowedSources: [...fw.sources],
      comment: `imported from ${fw.where.replace(/ handle \d+$/, '')}`.slice(0, 256),
    };
    merged.set(key, entry);
    forwards.push(entry);
    if (fw.daddr) notes.push(note('dnat.daddr_widened', { name, daddr: fw.daddr.join(', ') }, fw.where));
    notes.push(
      note(
        'forward.carried',
        {
          name,
          proto: fw.proto,
          ports: entry.publicPorts,
          target: `${fw.target}${fw.targetPort !== undefined ? `:${fw.targetPort}` : ''}`,
        },
        fw.where,
      ),
    );
  }

  const gatewayForwards: NonNullable<GatewayModelInput['gatewayForwards']> = [];
  const gatewaySeen = new Set<string>();
  for (const g of f.gatewayForwards) {
    // The same rule reached twice (firewalld's default zone after the WAN zone's goto) is one forward.
    const key = `${g.proto} ${g.port}`;
    if (gatewaySeen.has(key)) continue;
    gatewaySeen.add(key);
    if (g.iif && !g.iif.includes(wan)) {
      notes.push(
        note('rule.not_modelled', { hook: 'prerouting', what: `redirect on ${g.iif.join(',')}, not the WAN` }, g.where),
      );
      continue;
    }
    gatewayForwards.push({
      id: slug(`gateway-${g.proto}-${g.port}`, used),
      name: cleanName(g.comment, `gateway port ${g.port} to local ${g.localPort}`),
      protocol: g.proto,
      publicPort: g.port,
      localPort: g.localPort,
      allowedSources: [...g.sources],
    });
    notes.push(note('gateway_forward.carried', { proto: g.proto, port: g.port, localPort: g.localPort }, g.where));
  }

  mergeProtocols(forwards);

  // Reflection (NAT loopback) becomes the forward's own reflection switch; its snat half is part of it.
  // The public address is left to the kernel (fib, Gatehouse's default): it follows a DHCP-assigned WAN address.
  const reflected = new Set<string>();
  for (const r of reflections) {
    const key = `${r.proto} ${portsText(r.ports)}`;
    if (reflected.has(key)) continue;
    reflected.add(key);
    const params = { proto: r.proto, port: portsText(r.ports), target: r.target };
    const fwd = forwards.find(
      (f) =>
        (f.protocol === r.proto || f.protocol === 'both') &&
        f.target === r.target &&
        parsePorts(f.publicPorts).some((p) => r.ports.some((q) => q.from <= p.to && p.from <= q.to)),
    );
    if (fwd) {
      fwd.reflection = true;
      notes.push(note('reflection.carried', { ...params, name: fwd.name }, r.where));
    } else notes.push(note('reflection.dropped', params, r.where));
  }

  // Masquerade.
  const targets = new Set(forwards.map((fw) => fw.target));
  let lanToWan = false;
  let forwardedServers = false;
  for (const m of f.masquerades) {
    const reflection = m.saddr?.some((s) => s.includes('/')) && m.daddr !== undefined && !m.dnatOnly;
    if (reflection) continue;
    if (m.snatTo) notes.push(note('snat.as_masquerade', { addr: m.snatTo }, m.where));
    const toWan = m.oif?.includes(wan) ?? false;
    const toLan = m.oif?.some((o) => lan.includes(o)) ?? false;
    if (m.dnatOnly || m.daddr?.some((d) => targets.has(d)) || toLan) forwardedServers = true;
    else if (toWan) lanToWan = true;
    else if (!m.oif && !m.daddr) {
      lanToWan = true;
      forwardedServers = true;
    } else notes.push(note('rule.not_modelled', { hook: 'postrouting', what: 'masquerade' }, m.where));
  }
  const masqWhich = [forwardedServers ? 'forwarded servers see the gateway as peer' : '', lanToWan ? 'LAN to WAN' : '']
    .filter(Boolean)
    .join('; ');
  if (masqWhich) notes.push(note('masquerade.carried', { which: masqWhich }));

  // Helpers (FTP on TCP, TFTP on UDP): ports on the servers (after DNAT), each exposed by a forward.
  for (const h of f.helpers) {
    if (h.type !== 'ftp' && h.type !== 'tftp') notes.push(note('helper.not_ftp', { type: h.type }, h.where));
  }
  const ftpSection = carryHelper('ftp', 'tcp', f, forwards, wan, notes);
  const tftpSection = carryHelper('tftp', 'udp', f, forwards, wan, notes);
  const controlPorts = ftpSection.ports;
  const servers = ftpSection.servers;
  const helperOn = controlPorts.length > 0;
  const passiveOnly = helperOn && f.passiveOnly.length > 0;
  if (passiveOnly) notes.push(note('passive_only.carried', {}, f.passiveOnly[0]));
  else if (f.passiveOnly.length > 0) {
    notes.push(
      note(
        'rule.not_modelled',
        { hook: 'forward', what: 'passive-only without a carried FTP helper' },
        f.passiveOnly[0],
      ),
    );
  }

  const policy = f.forwardPolicyDrop ? 'drop' : 'accept';
  const allowLanToWan =
    policy === 'accept' ||
    f.forwardAccepts.some((a) => (!a.iif || a.iif.some((i) => lan.includes(i))) && (!a.oif || a.oif.includes(wan)));
  if (policy === 'drop')
    notes.push(note('filter.carried', { policy, lanToWan: allowLanToWan ? 'allowed' : 'refused' }));

  const model: GatewayModelInput = {
    interfaces: { wan, lan },
    gatewayForwards,
    forwards,
    masquerade: { forwardedServers, lanToWan },
    ftp: { enabled: helperOn, controlPorts: helperOn ? controlPorts : [21], servers, passiveOnly },
    ...(tftpSection.ports.length > 0
      ? { tftp: { enabled: true, ports: tftpSection.ports, servers: tftpSection.servers } }
      : {}),
    filter: { policy, allowLanToWan },
  };
  const settled = settle(model, notes);
  return { ...settled, notes: dedupe([...f.notes, ...notes]), interfaces };
}

/**
 * One helper kind's section: the ports its rules match (after DNAT, or
 * followed through the forward when the rule runs before DNAT), kept where a
 * forward of the kind's protocol exposes them, and the servers named.
 */
function carryHelper(
  kind: 'ftp' | 'tftp',
  proto: 'tcp' | 'udp',
  f: Findings,
  forwards: NonNullable<GatewayModelInput['forwards']>,
  wan: string,
  notes: ImportNote[],
): { ports: number[]; servers: string[] } {
  const carriers = forwards.filter((fw) => fw.protocol === proto || fw.protocol === 'both');
  const wanted = new Set<number>();
  const named = new Set<string>();
  for (const h of f.helpers) {
    if (h.type !== kind) continue;
    if (h.iif && !h.iif.includes(wan)) {
      // fw4's helper_lan: LAN clients' own connections to outside servers, which Gatehouse's helper (forwarded servers only) does not cover.
      notes.push(note('helper.lan_clients', { type: h.type, iif: h.iif.join(', ') }, h.where));
      continue;
    }
    if (h.beforeConntrack) notes.push(note('helper.before_conntrack', { prio: h.prio }, h.where));
    const ranges = h.ports ?? [{ from: kind === 'ftp' ? 21 : 69, to: kind === 'ftp' ? 21 : 69 }];
    for (const r of ranges) {
      for (let p = r.from; p <= r.to && p - r.from < MAX_HELPER_PORTS; p++) {
        if (!h.beforeDnat) {
          wanted.add(p);
          continue;
        }
        // Before DNAT the rule sees the public port: follow it through the forward to the server's port.
        let followed = false;
        for (const fw of f.forwards) {
          if (fw.proto !== proto || !fw.ports.some((x) => p >= x.from && p <= x.to)) continue;
          const first = fw.ports[0] as PortRange;
          wanted.add(fw.targetPort !== undefined ? fw.targetPort + (p - first.from) : p);
          followed = true;
        }
        if (!followed) notes.push(note('helper.port_not_forwarded', { port: p }, h.where));
      }
    }
    if (!h.beforeDnat) for (const server of h.servers) named.add(server);
  }
  const ports: number[] = [];
  for (const p of [...wanted].sort((a, b) => a - b)) {
    const exposed = carriers.some(
      (fw) =>
        (named.size === 0 || named.has(fw.target)) &&
        targetRanges({ publicPorts: fw.publicPorts, targetPort: fw.targetPort }).some((r) => p >= r.from && p <= r.to),
    );
    if (exposed && ports.length < MAX_HELPER_PORTS) ports.push(p);
    else notes.push(note('helper.port_not_forwarded', { port: p }));
  }
  const servers = [...named].filter((server) => carriers.some((fw) => fw.target === server)).sort();
  if (ports.length > 0)
    notes.push(note(kind === 'ftp' ? 'helper.carried' : 'tftp_helper.carried', { ports: ports.join(', ') }));
  return { ports, servers };
}

/** A TCP and a UDP forward of the same ports to the same place (firewalld writes one rule each) become one `both`. */
function mergeProtocols(forwards: NonNullable<GatewayModelInput['forwards']>): void {
  for (let i = 0; i < forwards.length; i++) {
    const a = forwards[i];
    if (a?.protocol !== 'tcp') continue;
    const j = forwards.findIndex(
      (b) =>
        b.protocol === 'udp' &&
        b.publicPorts === a.publicPorts &&
        b.target === a.target &&
        b.targetPort === a.targetPort &&
        (b.allowedSources ?? []).join() === (a.allowedSources ?? []).join(),
    );
    if (j < 0) continue;
    a.protocol = 'both';
    forwards.splice(j, 1);
    if (j < i) i--;
  }
}

/** One note per code and rule: a rule reached by two paths of jumps is one rule. */
function dedupe(notes: ImportNote[]): ImportNote[] {
  const seen = new Set<string>();
  return notes.filter((n) => {
    const key = `${n.code} ${n.where ?? n.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function parsePorts(spec: string): PortRange[] {
  return spec.split(',').map((part) => {
    const [a, b] = part.split('-');
    return { from: Number(a), to: Number(b ?? a) };
  });
}

/**
 * Validates the proposal; a forward or gateway forward the model refuses
 * (overlapping ports, ...) is left out with a note, a few times at most, so
 * that what is proposed is a model that passes validation.
 */
function settle(
  model: GatewayModelInput,
  notes: ImportNote[],
): { model: GatewayModelInput; valid: boolean; problems: FieldProblem[] } {
  let current = model;
  for (let round = 0; round < 8; round++) {
    const checked = validateModel(current);
    if (checked.ok) return { model: current, valid: true, problems: [] };
    const bad = checked.problems.find((p) => /^(forwards|gatewayForwards)\.\d+/.test(p.path));
    if (!bad) return { model: current, valid: false, problems: checked.problems };
    const [list, index] = bad.path.split('.') as ['forwards' | 'gatewayForwards', string];
    const items = [...(current[list] ?? [])] as Array<{ name: string }>;
    const [removed] = items.splice(Number(index), 1);
    notes.push(note('forward.dropped_invalid', { name: removed?.name ?? '?', reason: bad.message }));
    current = { ...current, [list]: items };
    // Helper ports may have lost their forward.
    const ftp = current.ftp;
    if (ftp?.enabled) {
      const again = validateModel(current);
      if (!again.ok && again.problems.some((p) => p.path.startsWith('ftp.'))) {
        notes.push(note('helper.port_not_forwarded', { port: (ftp.controlPorts ?? []).join(', ') }));
        current = { ...current, ftp: { enabled: false, controlPorts: [21], servers: [], passiveOnly: false } };
      }
    }
  }
  const checked = validateModel(current);
  return checked.ok
    ? { model: current, valid: true, problems: [] }
    : { model: current, valid: false, problems: checked.problems };
}
