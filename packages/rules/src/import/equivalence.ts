/**
 * The equivalence report: for each forwarded port and FTP helper port the
 * import found, what the old ruleset does with a new connection from the WAN
 * and what the proposal does, side by side. Both sides are the same
 * evaluator on the same kind of input (a kernel listing walked as a chain
 * tree), so a difference is a difference in the rulesets, not in two readers.
 */
import { dataFlowAccepted, type Fate, fateOf } from './evaluate.js';
import { inPrefix } from './values.js';
import type { ChainTree } from './walker.js';

export interface EquivalenceProbe {
  proto: 'tcp' | 'udp';
  port: number;
  why: 'forward' | 'gateway forward' | 'helper port';
  /** A source address the forward allows (default: a public address). */
  saddr?: string;
}

export interface FateView {
  outcome: 'forwarded' | 'gateway' | 'dropped';
  /** "192.168.1.2:21" for a forward, the local port for the gateway. */
  to?: string;
  helper?: string;
  masquerade?: boolean;
  /** With the FTP helper: whether a passive / active data connection is let through. */
  passiveData?: 'accepted' | 'dropped';
  activeData?: 'accepted' | 'dropped';
  text: string;
  uncertain: string[];
}

export interface EquivalenceRow {
  proto: 'tcp' | 'udp';
  port: number;
  why: EquivalenceProbe['why'];
  from: string;
  old: FateView;
  proposed: FateView;
  same: boolean;
  differences: string[];
}

export interface EquivalenceReport {
  rows: EquivalenceRow[];
  differences: number;
  same: boolean;
  /** Where the proposal's listing came from: the kernel (a throwaway namespace) or built from the model. */
  proposalFrom?: 'kernel' | 'model';
}

export interface EquivalenceInput {
  old: ChainTree;
  proposed: ChainTree;
  probes: readonly EquivalenceProbe[];
  wan: string;
  lan: readonly string[];
  /** The gateway's public address, where clients connect. */
  wanAddress: string;
  /** LAN prefixes (e.g. 192.168.1.1/24), to route a server to its interface. */
  lanPrefixes?: ReadonlyArray<{ name: string; prefixes: string[] }>;
}

const PUBLIC_CLIENT = '198.51.100.7';

function view(tree: ChainTree, fate: Fate, input: EquivalenceInput, lan: string): FateView {
  const v: FateView = { outcome: fate.outcome, text: '', uncertain: fate.uncertain };
  if (fate.outcome === 'forwarded') {
    v.to = `${fate.to}:${fate.port}`;
    v.masquerade = fate.masquerade ?? false;
  }
  if (fate.outcome === 'gateway') v.to = `gateway:${fate.port}`;
  if (fate.helper) {
    v.helper = fate.helper;
    if (fate.outcome === 'forwarded' && fate.helper === 'ftp') {
      const flow = { wan: input.wan, lan, server: fate.to ?? '', client: PUBLIC_CLIENT };
      v.passiveData = dataFlowAccepted(tree, { ...flow, mode: 'passive' }) ? 'accepted' : 'dropped';
      v.activeData = dataFlowAccepted(tree, { ...flow, mode: 'active' }) ? 'accepted' : 'dropped';
    }
  }
  const parts = [
    fate.outcome === 'forwarded'
      ? `forwarded to ${v.to}${v.masquerade ? ' (masqueraded)' : ''}`
      : fate.outcome === 'gateway'
        ? `reaches the gateway itself on port ${fate.port}`
        : `dropped by ${fate.droppedBy}`,
  ];
  if (v.helper) parts.push(`${v.helper} helper`);
  if (v.passiveData) parts.push(`passive data ${v.passiveData}, active data ${v.activeData}`);
  v.text = parts.join('; ');
  return v;
}

function compare(a: FateView, b: FateView): string[] {
  const out: string[] = [];
  if (a.outcome !== b.outcome) out.push(`outcome: ${a.outcome} -> ${b.outcome}`);
  else if (a.to !== b.to) out.push(`destination: ${a.to} -> ${b.to}`);
  if ((a.helper ?? 'none') !== (b.helper ?? 'none')) out.push(`helper: ${a.helper ?? 'none'} -> ${b.helper ?? 'none'}`);
  if (a.outcome === 'forwarded' && b.outcome === 'forwarded' && a.masquerade !== b.masquerade) {
    out.push(`masquerade: ${a.masquerade ? 'yes' : 'no'} -> ${b.masquerade ? 'yes' : 'no'}`);
  }
  if (a.passiveData !== b.passiveData) out.push(`passive data: ${a.passiveData ?? 'n/a'} -> ${b.passiveData ?? 'n/a'}`);
  if (a.activeData !== b.activeData) out.push(`active data: ${a.activeData ?? 'n/a'} -> ${b.activeData ?? 'n/a'}`);
  return out;
}

export function equivalenceReport(input: EquivalenceInput): EquivalenceReport {
  const routeTo = (addr: string): string => {
    for (const hint of input.lanPrefixes ?? []) {
      if (hint.prefixes.some((p) => inPrefix(addr, p.split('/')[0] ?? '', Number(p.split('/')[1] ?? 32))))
        return hint.name;
    }
    return input.lan[0] ?? '';
  };
  const rows: EquivalenceRow[] = [];
  const seen = new Set<string>();
  for (const probe of input.probes) {
    const key = `${probe.proto} ${probe.port} ${probe.saddr ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const conn = {
      iifname: input.wan,
      l4proto: probe.proto,
      dport: probe.port,
      saddr: probe.saddr ?? PUBLIC_CLIENT,
      daddr: input.wanAddress,
    };
    const oldFate = fateOf(input.old, conn, routeTo);
    const newFate = fateOf(input.proposed, conn, routeTo);
    const lanOf = (f: Fate) => (f.to ? routeTo(f.to) : (input.lan[0] ?? ''));
    const old = view(input.old, oldFate, input, lanOf(oldFate));
    const proposed = view(input.proposed, newFate, input, lanOf(newFate));
    const differences = compare(old, proposed);
    rows.push({
      proto: probe.proto,
      port: probe.port,
      why: probe.why,
      from: input.wan,
      old,
      proposed,
      same: differences.length === 0,
      differences,
    });
  }
  rows.sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto));
  const differences = rows.filter((r) => !r.same).length;
  return { rows, differences, same: differences === 0 };
}
