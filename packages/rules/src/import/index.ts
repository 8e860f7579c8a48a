/**
 * Adopting an existing gateway: read what the kernel holds (`nft -j list
 * ruleset`), recognise by meaning what firewall4, firewalld, iptables-nft,
 * Docker or a hand-written ruleset does, and propose the equivalent
 * Gatehouse model with grouped notes and an equivalence report. Nothing is
 * changed here; the takeover (retiring the tables listed in `tables`) is the
 * caller's, in the same transaction as the first apply.
 *
 *   importRuleset(listing, options)            -> proposal, notes, tables (pure)
 *   listCompiled(compile(model), runner)       -> the proposal as the kernel lists it
 *   importEquivalence(listing, result, that)   -> old vs proposed, side by side (pure)
 *   importWithEquivalence(listing, options)    -> both steps
 */
import { compile } from '../compile.js';
import { type FieldProblem, GatewayModel, type GatewayModelInput } from '../model.js';
import { portRangesOrNone } from '../ports.js';
import type { Runner } from '../runner.js';
import { type EquivalenceProbe, type EquivalenceReport, equivalenceReport } from './equivalence.js';
import { readXtDetails } from './iptables-nft.js';
import { listCompiled } from './listing.js';
import { modelListing } from './model-listing.js';
import { type ImportNote, note } from './notes.js';
import { buildProposal, type InterfaceHint, type ProposedInterfaces } from './propose.js';
import { recognise } from './recognise.js';
import { onlyTables, type Ruleset, readRuleset, tableKey } from './ruleset.js';
import { type SourceTool, tablesByTool } from './shapes.js';
import { ChainTree } from './walker.js';

export type { EquivalenceProbe, EquivalenceReport, EquivalenceRow, FateView } from './equivalence.js';
export { echoToListing, listCompiled } from './listing.js';
export { modelListing } from './model-listing.js';
export { IMPORT_NOTE_CODES, type ImportNote, type ImportNoteCode, type NoteGroup } from './notes.js';
export type { InterfaceHint, ProposedInterfaces } from './propose.js';
export { IMPORT_LIMITS } from './ruleset.js';
export type { SourceTool } from './shapes.js';

export interface ImportOptions {
  /** Gatehouse's own table, never imported (default "gatehouse"). */
  ownTable?: string;
  /** Only these tables ("inet fw4" or "fw4"); default every ip/inet table but our own. */
  tables?: readonly string[];
  /** Names of the live interfaces (`ip -j link`), to check the ruleset's against. */
  liveInterfaces?: readonly string[];
  /** Interfaces with their IPv4 prefixes (`ip -j addr`): the LAN side of forward targets, the WAN address. */
  interfaces?: readonly InterfaceHint[];
  /** `nft -a list ruleset`: the translation of iptables-nft's xt expressions. */
  listing?: string;
  /** `iptables-nft-save`: the CT --helper targets, which have no translation. */
  iptablesSave?: string;
  /** The gateway's public address for the equivalence probes (default: from `interfaces`). */
  wanAddress?: string;
}

export interface ImportedTable {
  family: string;
  name: string;
  tool: SourceTool;
  /** Whether the takeover may retire (delete) it: not Docker's, which Docker keeps managing. */
  retire: boolean;
}

export interface ImportSummary {
  forwards: number;
  gatewayForwards: number;
  helper: boolean;
  helperPorts: number[];
  passiveOnly: boolean;
  masquerade: { forwardedServers: boolean; lanToWan: boolean };
  carried: number;
  harmless: number;
  decisions: number;
  /** One line: "3 forwards, 1 gateway forward, FTP helper on 21, 2121, masquerade, 2 decisions". */
  text: string;
}

export interface ImportResult {
  summary: ImportSummary;
  /** The proposed model (GatewayModel input); valid unless `valid` is false, then `problems` say why. */
  model: GatewayModelInput;
  valid: boolean;
  problems: FieldProblem[];
  /** Grouped by `group`: carried, harmless, decision. */
  notes: ImportNote[];
  interfaces: ProposedInterfaces;
  /** The tables read, with what wrote them and whether the takeover may retire them. */
  tables: ImportedTable[];
  /** The connections the equivalence report tries. */
  probes: EquivalenceProbe[];
  /** Filled by importEquivalence / importWithEquivalence. */
  equivalence: EquivalenceReport | null;
}

const MAX_PROBES = 64;

function selectTables(rs: Ruleset, options: ImportOptions): Ruleset {
  const own = options.ownTable ?? 'gatehouse';
  return onlyTables(
    rs,
    (t) =>
      (t.family === 'ip' || t.family === 'inet') &&
      !(t.family === 'ip' && t.name === own) &&
      (options.tables === undefined ||
        options.tables.includes(t.name) ||
        options.tables.includes(tableKey(t.family, t.name))),
  );
}

function treeOf(listing: unknown, options: ImportOptions) {
  const all = readRuleset(listing);
  const rs = selectTables(all, options);
  const xt = readXtDetails(rs, options.listing, options.iptablesSave);
  return { rs, tree: new ChainTree(rs, xt), xt };
}

function summaryOf(r: Omit<ImportResult, 'summary' | 'equivalence'>): ImportSummary {
  const m = r.model;
  const ftp = m.ftp ?? {};
  const count = (g: ImportNote['group']) => r.notes.filter((n) => n.group === g).length;
  const masq = { forwardedServers: m.masquerade?.forwardedServers ?? true, lanToWan: m.masquerade?.lanToWan ?? true };
  const s = {
    forwards: m.forwards?.length ?? 0,
    gatewayForwards: m.gatewayForwards?.length ?? 0,
    helper: ftp.enabled ?? false,
    helperPorts: ftp.enabled ? [...(ftp.controlPorts ?? [])].map(Number) : [],
    passiveOnly: ftp.passiveOnly ?? false,
    masquerade: masq,
    carried: count('carried'),
    harmless: count('harmless'),
    decisions: count('decision'),
  };
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const text = [
    plural(s.forwards, 'forward'),
    plural(s.gatewayForwards, 'gateway forward'),
    s.helper ? `FTP helper on ${s.helperPorts.join(', ')}` : 'no FTP helper',
    s.passiveOnly ? 'passive-only' : '',
    masq.forwardedServers || masq.lanToWan
      ? `masquerade (${[masq.forwardedServers ? 'forwarded servers' : '', masq.lanToWan ? 'LAN to WAN' : ''].filter(Boolean).join(', ')})`
      : 'no masquerade',
    plural(s.decisions, 'decision'),
  ]
    .filter(Boolean)
    .join(', ');
  return { ...s, text };
}

function probesOf(result: Pick<ImportResult, 'model'>, extra: EquivalenceProbe[]): EquivalenceProbe[] {
  const out: EquivalenceProbe[] = [...extra];
  const m = result.model;
  for (const f of m.forwards ?? []) {
    const ranges = portRangesOrNone(f.publicPorts);
    const protos: Array<'tcp' | 'udp'> = f.protocol === 'both' ? ['tcp', 'udp'] : [f.protocol ?? 'tcp'];
    const saddr = f.allowedSources?.[0]?.split('/')[0];
    for (const proto of protos) {
      for (const r of ranges) {
        out.push({ proto, port: r.from, why: 'forward', ...(saddr ? { saddr } : {}) });
        if (r.to !== r.from) out.push({ proto, port: r.to, why: 'forward', ...(saddr ? { saddr } : {}) });
      }
    }
  }
  for (const g of m.gatewayForwards ?? []) {
    out.push({ proto: g.protocol === 'udp' ? 'udp' : 'tcp', port: g.publicPort, why: 'gateway forward' });
  }
  const seen = new Set<string>();
  return out
    .filter((p) => {
      const key = `${p.proto} ${p.port} ${p.saddr ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .slice(0, MAX_PROBES);
}

/** Reads the listing and proposes a model. Pure; bounded (IMPORT_LIMITS); never throws on a malformed listing. */
export function importRuleset(listing: unknown, options: ImportOptions = {}): ImportResult {
  const { rs, tree } = treeOf(listing, options);
  const tools = tablesByTool(rs);
  const toolOf = (family: string, table: string) => tools.get(tableKey(family, table)) ?? 'hand-written';
  const findings = recognise(tree, toolOf);
  const proposal = buildProposal({
    findings,
    liveInterfaces: options.liveInterfaces,
    interfaceHints: options.interfaces,
  });
  const notes = proposal.notes;
  for (const why of [...rs.truncated, ...tree.cuts.slice(0, 8)]) notes.push(note('listing.cut', { why }));
  const tables: ImportedTable[] = rs.tables.map((t) => {
    const tool = toolOf(t.family, t.name);
    return { family: t.family, name: t.name, tool, retire: tool !== 'docker' };
  });
  for (const t of tables.filter((x) => x.tool === 'docker')) {
    const chains = [...rs.chains.values()]
      .filter((c) => c.family === t.family && c.table === t.name && /^DOCKER/.test(c.name))
      .map((c) => c.name);
    notes.push(note('docker.left_alone', { table: `${t.family} ${t.name}`, chains: chains.join(', ') }));
    const prefix = `${t.family} ${t.name} `;
    if (notes.some((n) => n.group === 'carried' && n.where?.startsWith(prefix))) {
      notes.push(note('table.shared_with_docker', { table: `${t.family} ${t.name}` }));
    }
  }
  for (const [key, h] of rs.helpers) {
    if (!findings.usedHelperObjects.has(key))
      notes.push(note('helper.unused_object', { name: h.name, type: h.type }, `${h.family} ${h.table}`));
  }
  // Helper ports as probes: the public ports of the forwards reaching them.
  const helperProbes: EquivalenceProbe[] = [];
  // Every forward found, carried or not (one the model refused must show as a difference).
  const foundProbes: EquivalenceProbe[] = findings.forwards.flatMap((f) =>
    f.ports.map((r) => ({
      proto: f.proto,
      port: r.from,
      why: 'forward' as const,
      ...(f.sources[0] ? { saddr: f.sources[0].split('/')[0] as string } : {}),
    })),
  );
  for (const f of findings.forwards) {
    if (f.proto !== 'tcp') continue;
    for (const h of findings.helpers) {
      for (const r of h.ports ?? [{ from: 21, to: 21 }]) {
        const first = f.ports[0];
        if (!first) continue;
        const publicPort = h.beforeDnat
          ? r.from
          : f.targetPort !== undefined
            ? first.from + (r.from - f.targetPort)
            : r.from;
        if (f.ports.some((x) => publicPort >= x.from && publicPort <= x.to))
          helperProbes.push({ proto: 'tcp', port: publicPort, why: 'helper port' });
      }
    }
  }
  const order = { decision: 0, carried: 1, harmless: 2 } as const;
  notes.sort((a, b) => order[a.group] - order[b.group]);
  const base = {
    model: proposal.model,
    valid: proposal.valid,
    problems: proposal.problems,
    notes,
    interfaces: proposal.interfaces,
    tables,
    probes: [] as EquivalenceProbe[],
  };
  base.probes = probesOf(base, [...helperProbes, ...foundProbes]);
  return { summary: summaryOf(base), ...base, equivalence: null };
}

function mergeRulesets(a: Ruleset, b: Ruleset): Ruleset {
  return {
    tables: [...a.tables, ...b.tables],
    chains: new Map([...a.chains, ...b.chains]),
    rules: new Map([...a.rules, ...b.rules]),
    sets: new Map([...a.sets, ...b.sets]),
    helpers: new Map([...a.helpers, ...b.helpers]),
    truncated: [...a.truncated, ...b.truncated],
  };
}

/**
 * Old ruleset against the proposal: `proposalListing` is the compiled
 * proposal as the kernel lists it (listCompiled, or the listing of a
 * namespace it was loaded into). The proposed side keeps the tables the
 * takeover does not retire (Docker's).
 */
export function importEquivalence(
  listing: unknown,
  result: Pick<ImportResult, 'tables' | 'probes' | 'interfaces'>,
  proposalListing: unknown,
  options: ImportOptions = {},
): EquivalenceReport {
  const { rs, xt } = treeOf(listing, options);
  const kept = onlyTables(rs, (t) =>
    result.tables.some((x) => x.family === t.family && x.name === t.name && !x.retire),
  );
  const proposed = readRuleset(proposalListing);
  const hints = options.interfaces ?? [];
  const wanHint = hints.find((h) => h.name === result.interfaces.wan)?.prefixes[0]?.split('/')[0];
  return equivalenceReport({
    old: new ChainTree(rs, xt),
    proposed: new ChainTree(mergeRulesets(kept, proposed), xt),
    probes: result.probes,
    wan: result.interfaces.wan,
    lan: result.interfaces.lan,
    wanAddress: options.wanAddress ?? wanHint ?? '203.0.113.1',
    lanPrefixes: hints,
  });
}

/**
 * importRuleset, then the proposal compiled, listed by the kernel in a
 * throwaway namespace (`unshare --net`, root), and compared. Where no
 * namespace can be made (the panel's systemd unit restricts namespaces), the
 * proposal's listing is built from the model (modelListing) and the report
 * says so (`proposalFrom: 'model'`).
 */
export async function importWithEquivalence(
  listing: unknown,
  options: ImportOptions & { runner: Runner },
): Promise<ImportResult> {
  const result = importRuleset(listing, options);
  if (!result.valid) return result;
  const model = GatewayModel.parse(result.model);
  let proposalListing: unknown;
  let proposalFrom: EquivalenceReport['proposalFrom'] = 'kernel';
  try {
    proposalListing = await listCompiled(compile(model), options.runner);
  } catch {
    proposalListing = modelListing(model);
    proposalFrom = 'model';
  }
  return { ...result, equivalence: { ...importEquivalence(listing, result, proposalListing, options), proposalFrom } };
}
