/**
 * Conntrack helpers, one kind at a time (helper-kinds.ts): per enabled kind a
 * `ct helper` object in our table and one assignment rule in its own chain,
 * scoped to the kind's servers and ports. FTP's object, chain and rule are
 * the ones Gatehouse always generated (`ftp-incoming`, `ftp_helpers`).
 *
 * The assignment runs after the conntrack lookup (priority -200) and after
 * destination NAT (priority -100), so it matches the translated server
 * address and port: a filter chain at prerouting priority 10 is safe on every
 * kernel. The ct helper object has to live in this same table. Since Linux
 * 4.7 nothing is assigned automatically, and we never use the legacy global
 * nf_conntrack_helper sysctl.
 */
import { HELPER_KIND_SPECS, type HelperKind } from '../helper-kinds.js';
import { carriesProtocol, helperPolicies, helperPolicy } from '../helper-policy.js';
import { type GatewayModel, targetRanges } from '../model.js';
import { containsPort } from '../ports.js';
import { anonSet, comment, compareIpv4, ifnames, q } from './format.js';

/** The chain holding a kind's assignment rule (FTP's name predates the family). */
export function helperChainName(kind: HelperKind): string {
  return `${kind}_helpers`;
}

/** Kinds switched on in the model, in output order. */
export function enabledHelperKinds(model: GatewayModel): HelperKind[] {
  return helperPolicies(model)
    .filter((h) => h.enabled)
    .map((h) => h.kind);
}

/** Servers a kind's helper inspects: the configured ones, or every server a forward exposes one of its ports on. */
export function helperServers(model: GatewayModel, kind: HelperKind): string[] {
  const h = helperPolicy(model, kind);
  if (h.servers.length > 0) return [...new Set(h.servers)].sort(compareIpv4);
  const servers = new Set<string>();
  for (const f of model.forwards) {
    if (!f.enabled || !carriesProtocol(f, h.spec.protocol)) continue;
    const ranges = targetRanges(f);
    if (h.ports.some((p) => containsPort(ranges, p))) servers.add(f.target);
  }
  return [...servers].sort(compareIpv4);
}

/**
 * The ports a kind's assignment rule names: the policy's, less, for FTP, a
 * control port that only FTPS forwards expose. Their control channel is
 * encrypted (AUTH TLS), so the helper there reads nothing and only costs a
 * parse of every control packet; their passive range is forwarded instead
 * (ftps.ts). A port a plain forward also exposes keeps the helper: the rule
 * is servers x ports, so it cannot leave out one server's port alone.
 */
export function helperRulePorts(model: GatewayModel, kind: HelperKind): number[] {
  const h = helperPolicy(model, kind);
  const ports = [...h.ports].sort((a, b) => a - b);
  if (kind !== 'ftp') return ports;
  const ftps = new Set<number>();
  const plain = new Set<number>();
  for (const f of model.forwards) {
    if (!f.enabled || !carriesProtocol(f, h.spec.protocol)) continue;
    const ranges = targetRanges(f);
    for (const p of ports) if (containsPort(ranges, p)) (f.ftps ? ftps : plain).add(p);
  }
  return ports.filter((p) => !ftps.has(p) || plain.has(p));
}

export function renderHelperObject(kind: HelperKind): string[] {
  const spec = HELPER_KIND_SPECS[kind];
  return [`ct helper ${spec.objectName} {`, `\ttype ${q(spec.nftType)} protocol ${spec.protocol}`, '\tl3proto ip', '}'];
}

export interface HelperAssignment {
  /** Input interfaces the helped flows arrive on (the WAN; reflection adds the LAN ones). */
  interfaces: readonly string[];
  /** What the comment says after "<kind> helper: inspect <what>"; default the kind's. */
  what?: string;
}

/**
 * The assignment rule of one kind for flows arriving on `interfaces`, or none
 * when no server or no port qualifies. Exported so that other flows (NAT reflection's
 * LAN-in ones) can get the same rule for their interfaces.
 */
export function renderHelperAssignment(model: GatewayModel, kind: HelperKind, on: HelperAssignment): string[] {
  const servers = helperServers(model, kind);
  const ports = helperRulePorts(model, kind).map(String);
  if (servers.length === 0 || ports.length === 0 || on.interfaces.length === 0) return [];
  const spec = HELPER_KIND_SPECS[kind];
  return [
    `iifname ${ifnames(on.interfaces)} ip daddr ${anonSet(servers)} ${spec.protocol} dport ${anonSet(ports)} ct helper set ${q(spec.objectName)} ${comment(`${kind} helper: inspect ${on.what ?? spec.inspects}`)}`,
  ];
}

/** The assignment rules of one kind's chain: flows from the WAN. */
export function renderHelperRules(model: GatewayModel, kind: HelperKind): string[] {
  return renderHelperAssignment(model, kind, { interfaces: [model.interfaces.wan] });
}

/** The helper objects, each followed by a blank line, for the top of the table. */
export function renderHelperObjects(model: GatewayModel): string[] {
  return enabledHelperKinds(model).flatMap((kind) => [...renderHelperObject(kind), '']);
}

/** The helper chains, each preceded by a blank line, for after the NAT chains. */
export function renderHelperChains(
  model: GatewayModel,
  chain: (name: string, hook: string[], rules: string[]) => string[],
): string[] {
  return enabledHelperKinds(model).flatMap((kind) => [
    '',
    ...chain(
      helperChainName(kind),
      ['type filter hook prerouting priority 10; policy accept;'],
      renderHelperRules(model, kind),
    ),
  ]);
}
