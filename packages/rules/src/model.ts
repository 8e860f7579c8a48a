/**
 * The gateway model: one zod schema for the desired state of the gateway.
 * The server validates requests with it, the UI validates forms with it, and
 * compile() only ever sees a model that passed it. Semantic rules (overlaps,
 * shadowing, helper coverage) live here too, each reported on the field it
 * concerns, so an invalid model never reaches nft.
 */
import { z } from 'zod';
import { FtpsForwardSettings, validateFtps } from './ftps.js';
import { HaSection } from './ha/schema.js';
import { validatePair } from './ha/semantics.js';
import { helperPolicySchemas, validateHelpers } from './helper-policy.js';
import { coded, describeIssue, type IssueParams, type ModelIssueCode } from './issues.js';

// The UI reaches the rules package through this module only (@gatehouse/rules/model): it translates by these.
export { GENERIC_ISSUE_CODES, type IssueParams, issueDetail, MODEL_ISSUE_CODES } from './issues.js';

import {
  InterfaceName,
  Ipv4Address,
  Ipv4Prefix,
  MAX_NAME,
  ObjectId,
  Port,
  PortSpec,
  PrintableText,
  TableName,
  tooLong,
} from './model-fields.js';

export {
  InterfaceName,
  Ipv4Address,
  Ipv4Prefix,
  NFT_RESERVED_NAMES,
  ObjectId,
  Port,
  PortSpec,
  TableName,
} from './model-fields.js';

import {
  containsPort,
  formatRange,
  intersect,
  type PortRange,
  parsePortSpec,
  portCount,
  portRanges,
  portRangesOrNone,
} from './ports.js';
import { prefixOverlapIssue, prefixOverlapMessage, prefixOverlaps } from './prefixes.js';
import { ForwardReflection, ReflectionPolicy } from './reflection.js';

// FTPS and reflection schemas, for the server's routes and the UI's forms (@gatehouse/rules/model).
export { FTPS_PUBLIC_ADDRESS_SETTINGS, FtpsForwardSettings, FtpsPassivePorts } from './ftps.js';
export { ReflectionPolicy } from './reflection.js';

/** Sources of one forward: at most 64, none overlapping another (see prefixes.ts). */
const AllowedSources = z
  .array(Ipv4Prefix)
  .max(64, tooLong('at most 64 source prefixes'))
  .default([])
  .superRefine((sources, ctx) => {
    for (const overlap of prefixOverlaps(sources)) {
      ctx.addIssue({
        code: 'custom',
        path: [overlap.later.index],
        message: prefixOverlapMessage(overlap),
        params: prefixOverlapIssue(overlap),
      });
    }
  });

export const Protocol = z.enum(['tcp', 'udp', 'both'], { error: 'protocol is tcp, udp or both' });

/** Largest shifted range we expand into per-port map elements. */
export const MAX_SHIFTED_RANGE = 4096;

/**
 * Most elements the source-limited maps may hold, in all. Those maps have a
 * concatenated interval key (the kernel's pipapo set), whose load time grows
 * with the square of its size: measured with nft 1.0.6 / Linux 6.18 in a
 * namespace, 16,384 elements load in 3.1 s, 32,768 in 9.8 s and 65,536 in
 * 37.5 s. There is no hard kernel limit below that: the "No buffer space
 * available" testers saw on a 4096-port shifted range came from overlapping
 * sources, where every one of the 4096 refused elements sends an error back
 * and from ~860 of them on the errors overflow nft's netlink receive buffer
 * (net.core.rmem_default, 208 KiB) and hide "File exists".
 */
export const MAX_SOURCE_MAP_ELEMENTS = 65_536;

export const PortForward = z
  .object({
    id: ObjectId,
    name: PrintableText(MAX_NAME, 'name').pipe(z.string().min(1, { error: 'name is required' })),
    enabled: z.boolean().default(true),
    protocol: Protocol.default('tcp'),
    /** Public (WAN) ports: "80", "8000-8100" or "80,443". */
    publicPorts: PortSpec,
    /** Private server the traffic is sent to. */
    target: Ipv4Address,
    /**
     * Port on the server. Omitted: the same port(s). Given with a range: the
     * range is shifted so that its first port lands here.
     */
    targetPort: Port.optional(),
    /** Only these source prefixes may use the forward; empty means anyone. */
    allowedSources: AllowedSources,
    comment: PrintableText(256, 'comment').default(''),
    /** FTPS (ftps.ts) and NAT reflection (reflection.ts): optional, absent in models from before them. */
    ...{ ftps: FtpsForwardSettings.optional(), reflection: ForwardReflection },
  })
  .superRefine((fwd, ctx) => {
    const elements = sourceMapElements(fwd);
    if (elements > MAX_SOURCE_MAP_ELEMENTS) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedSources'],
        message: sourceMapBudgetMessage(elements, 'alone'),
        params: sourceMapBudgetIssue(elements, 'alone'),
      });
    }
    const parsed = parsePortSpec(fwd.publicPorts);
    if (!parsed.ok || fwd.targetPort === undefined) return;
    const [only, ...rest] = parsed.ranges;
    if (!only) return;
    if (rest.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetPort'],
        message: 'a different target port needs a single public port or one range, not a list',
        params: coded('target_port.needs_single_range'),
      });
      return;
    }
    const width = only.to - only.from;
    if (fwd.targetPort + width > 65535) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetPort'],
        message: `the shifted range ${fwd.targetPort}-${fwd.targetPort + width} runs past 65535`,
        params: coded('target_port.past_65535', { from: fwd.targetPort, to: fwd.targetPort + width }),
      });
    }
    if (fwd.targetPort !== only.from && width + 1 > MAX_SHIFTED_RANGE) {
      ctx.addIssue({
        code: 'custom',
        path: ['publicPorts'],
        message: `a shifted range may span at most ${MAX_SHIFTED_RANGE} ports; keep the same ports or split it`,
        params: coded('public_ports.shift_too_wide', { max: MAX_SHIFTED_RANGE }),
      });
    }
  });

/** A public port forwarded to a service on the gateway itself (the way back in). */
export const GatewayForward = z.object({
  id: ObjectId,
  name: PrintableText(MAX_NAME, 'name').pipe(z.string().min(1, { error: 'name is required' })),
  enabled: z.boolean().default(true),
  protocol: Protocol.default('tcp'),
  publicPort: Port,
  localPort: Port,
  allowedSources: AllowedSources,
  comment: PrintableText(256, 'comment').default(''),
});

export const Interfaces = z
  .object({
    wan: InterfaceName,
    lan: z
      .array(InterfaceName)
      .min(1, { error: 'at least one LAN interface is required' })
      .max(16, tooLong('at most 16 LAN interfaces')),
  })
  .superRefine((ifs, ctx) => {
    const first = new Map<string, number>();
    ifs.lan.forEach((name, i) => {
      if (name === ifs.wan) {
        ctx.addIssue({
          code: 'custom',
          path: ['lan', i],
          message: `${name} is already the WAN interface`,
          params: coded('interfaces.lan_is_wan', { name }),
        });
      }
      if (!first.has(name)) first.set(name, i);
      if (first.get(name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['lan', i],
          message: `${name} is listed twice`,
          params: coded('interfaces.lan_twice', { name }),
        });
      }
    });
  });

export const Masquerade = z.object({
  /**
   * Masquerade DNATed traffic towards the LAN so that forwarded servers see the
   * gateway as their peer: needed when they have no route back to the public side.
   */
  forwardedServers: z.boolean().default(true),
  /** Masquerade LAN -> WAN traffic behind the gateway's public address. */
  lanToWan: z.boolean().default(true),
});

// The helper sections (ftp, tftp) come from one factory: helper-policy.ts.
export const { FtpHelperPolicy, TftpHelperPolicy, defaults: helperDefaults } = helperPolicySchemas(Port, Ipv4Address);

export const ForwardFilter = z.object({
  /**
   * accept: forwarded traffic is not filtered (beyond passive-only).
   * drop: only established/related traffic, DNATed (port-forwarded) traffic and,
   * if allowed, LAN -> WAN traffic is forwarded.
   */
  policy: z.enum(['accept', 'drop']).default('accept'),
  allowLanToWan: z.boolean().default(true),
});

const GatewayModelShape = z.object({
  version: z.literal(1).default(1),
  table: TableName.default('gatehouse'),
  interfaces: Interfaces,
  forwards: z.array(PortForward).max(200_000, tooLong('at most 200,000 forwards')).default([]),
  gatewayForwards: z.array(GatewayForward).max(256, tooLong('at most 256 gateway forwards')).default([]),
  masquerade: Masquerade.default({ forwardedServers: true, lanToWan: true }),
  ftp: FtpHelperPolicy.default(helperDefaults.ftp),
  tftp: TftpHelperPolicy.default(helperDefaults.tftp),
  filter: ForwardFilter.default({ policy: 'accept', allowLanToWan: true }),
  reflection: ReflectionPolicy.optional(), // NAT reflection (reflection.ts)
  /** Optional: a pair of gateways managed as one (ha/schema.ts). */
  ha: HaSection.optional(),
});

export const GatewayModel = GatewayModelShape.superRefine((model, ctx) => validateSemantics(model, ctx));

export type GatewayModel = z.output<typeof GatewayModel>;
export type GatewayModelInput = z.input<typeof GatewayModel>;
export type PortForward = z.output<typeof PortForward>;
export type PortForwardInput = z.input<typeof PortForward>;
export type GatewayForward = z.output<typeof GatewayForward>;
export type FtpHelperPolicy = z.output<typeof FtpHelperPolicy>;
export type TftpHelperPolicy = z.output<typeof TftpHelperPolicy>;
export type Protocol = z.output<typeof Protocol>;

export function protocolsOf(p: Protocol): Array<'tcp' | 'udp'> {
  return p === 'both' ? ['tcp', 'udp'] : [p];
}

/**
 * The server-side ports a forward delivers to (after a possible shift). None
 * for an invalid port spec: semantic rules run on models whose fields failed
 * their own checks, and must not throw on them.
 */
export function targetRanges(fwd: Pick<PortForward, 'publicPorts' | 'targetPort'>): PortRange[] {
  const ranges = portRangesOrNone(fwd.publicPorts);
  const only = ranges[0];
  if (fwd.targetPort === undefined || !only) return ranges;
  return [{ from: fwd.targetPort, to: fwd.targetPort + (only.to - only.from) }];
}

/**
 * Elements a forward puts in the source-limited maps: one per protocol,
 * source and port key (a range is one key, unless shifted: then one per port).
 */
export function sourceMapElements(
  fwd: Pick<PortForward, 'protocol' | 'publicPorts' | 'targetPort' | 'allowedSources'>,
): number {
  if (fwd.allowedSources.length === 0) return 0;
  const ranges = portRangesOrNone(fwd.publicPorts);
  const first = ranges[0];
  const shifted = first !== undefined && fwd.targetPort !== undefined && fwd.targetPort !== first.from;
  const keys = shifted ? first.to - first.from + 1 : ranges.length;
  return protocolsOf(fwd.protocol).length * fwd.allowedSources.length * keys;
}

export function sourceMapBudgetMessage(elements: number, scope: 'alone' | 'in all'): string {
  return (
    `source-limited forwards would need ${elements.toLocaleString('en-US')} map elements ${scope} ` +
    `(ports x sources x protocols; at most ${MAX_SOURCE_MAP_ELEMENTS.toLocaleString('en-US')}): ` +
    'their concatenated interval map loads in time growing with the square of its size ' +
    '(65,536 elements: ~37 s); use fewer sources or ports, or a prefix covering several sources'
  );
}

export function sourceMapBudgetIssue(elements: number, scope: 'alone' | 'in all'): IssueParams {
  return coded(scope === 'alone' ? 'sources.map_budget' : 'sources.map_budget_total', {
    elements,
    max: MAX_SOURCE_MAP_ELEMENTS,
  });
}

type Ctx = z.core.$RefinementCtx<z.output<typeof GatewayModelShape>>;

function validateSemantics(model: z.output<typeof GatewayModelShape>, ctx: Ctx): void {
  const issue = (path: (string | number)[], message: string, params: IssueParams) =>
    ctx.addIssue({ code: 'custom', path, message, params });

  // Ids are how the API, comments and drift reports name objects: unique across both lists.
  const seen = new Map<string, { code: ModelIssueCode; text: string; name: string }>();
  const taken = (path: (string | number)[], id: string) => {
    const prev = seen.get(id);
    if (prev) issue(path, `id "${id}" is already used by ${prev.text}`, coded(prev.code, { id, name: prev.name }));
    return prev !== undefined;
  };
  model.forwards.forEach((f, i) => {
    if (!taken(['forwards', i, 'id'], f.id)) {
      seen.set(f.id, { code: 'id.taken_by_forward', text: `forward "${f.name}"`, name: f.name });
    }
  });
  model.gatewayForwards.forEach((g, i) => {
    if (!taken(['gatewayForwards', i, 'id'], g.id)) {
      seen.set(g.id, { code: 'id.taken_by_gateway_forward', text: `gateway forward "${g.name}"`, name: g.name });
    }
  });

  // Gateway (management) forwards must not collide with each other.
  const mgmt = model.gatewayForwards.filter((g) => g.enabled);
  model.gatewayForwards.forEach((g, i) => {
    if (!g.enabled) return;
    for (const other of mgmt) {
      if (other === g) break;
      if (sharesProtocol(g.protocol, other.protocol) && g.publicPort === other.publicPort) {
        issue(
          ['gatewayForwards', i, 'publicPort'],
          `port ${g.publicPort} is already used by gateway forward "${other.name}"`,
          coded('gateway_forward.port_taken', { port: g.publicPort, other: other.name }),
        );
      }
    }
  });

  // Port forwards: overlap with each other and with the management ports. Sorting
  // by first port keeps this O(n log n) for the 100,000-forward case.
  type Span = { index: number; range: PortRange; fwd: PortForward };
  const spans: Record<'tcp' | 'udp', Span[]> = { tcp: [], udp: [] };
  const forwardRanges: PortRange[][] = [];
  model.forwards.forEach((f, index) => {
    const parsed = parsePortSpec(f.publicPorts);
    forwardRanges[index] = parsed.ok ? parsed.ranges : [];
    if (!f.enabled || !parsed.ok) return;
    for (const proto of protocolsOf(f.protocol)) {
      for (const range of parsed.ranges) spans[proto].push({ index, range, fwd: f });
    }
    for (const g of mgmt) {
      if (sharesProtocol(f.protocol, g.protocol) && containsPort(parsed.ranges, g.publicPort)) {
        issue(['forwards', index, 'publicPorts'], shadowsGatewayForwardMessage(g), shadowsGatewayForwardIssue(g));
      }
    }
  });
  const reported = new Set<string>();
  for (const proto of ['tcp', 'udp'] as const) {
    const list = spans[proto].sort((a, b) => a.range.from - b.range.from || a.index - b.index);
    let reach: Span | undefined;
    for (const span of list) {
      if (reach && span.range.from <= reach.range.to && reach.index !== span.index) {
        const key = `${span.index}/${reach.index}`;
        if (!reported.has(key)) {
          reported.add(key);
          const first = Math.min(span.index, reach.index);
          const later = Math.max(span.index, reach.index);
          const a = model.forwards[first] as PortForward;
          const common = intersect(forwardRanges[first] ?? [], forwardRanges[later] ?? [])
            .map(formatRange)
            .join(',');
          issue(
            ['forwards', later, 'publicPorts'],
            alreadyForwardedMessage(proto, common, a),
            alreadyForwardedIssue(proto, common, a),
          );
        }
      }
      if (!reach || span.range.to > reach.range.to) reach = span;
    }
  }

  // The source-limited maps are loaded in one transaction: their elements count together.
  let sourceElements = 0;
  model.forwards.forEach((f, index) => {
    const elements = f.enabled ? sourceMapElements(f) : 0;
    if (elements === 0 || elements > MAX_SOURCE_MAP_ELEMENTS) return; // the forward's own check reports it
    sourceElements += elements;
    if (sourceElements > MAX_SOURCE_MAP_ELEMENTS && sourceElements - elements <= MAX_SOURCE_MAP_ELEMENTS) {
      issue(
        ['forwards', index, 'allowedSources'],
        sourceMapBudgetMessage(sourceElements, 'in all'),
        sourceMapBudgetIssue(sourceElements, 'in all'),
      );
    }
  });

  // Helpers (FTP, TFTP): each port exposed by an enabled forward of the kind's protocol to a helper server.
  validateHelpers(model, targetRanges, issue);
  validateFtps(model, issue); // FTPS passive ranges and passive-only: ftps.ts
  validatePair(model, issue);
}

/** The messages of the forward rules, shared with the per-forward check in forward-index.ts. */
export function shadowsGatewayForwardMessage(g: Pick<GatewayForward, 'publicPort' | 'name'>): string {
  return `port ${g.publicPort} is the gateway's own forward "${g.name}"; forwarding it away would shadow it`;
}

export function shadowsGatewayForwardIssue(g: Pick<GatewayForward, 'publicPort' | 'name'>): IssueParams {
  return coded('forward.shadows_gateway_forward', { port: g.publicPort, name: g.name });
}

export function alreadyForwardedIssue(
  proto: 'tcp' | 'udp',
  common: string,
  earlier: Pick<PortForward, 'name'>,
): IssueParams {
  return coded('forward.ports_overlap', { proto, ports: common, other: earlier.name });
}

export function alreadyForwardedMessage(
  proto: 'tcp' | 'udp',
  common: string,
  earlier: Pick<PortForward, 'name'>,
): string {
  return `${proto} port(s) ${common} already forwarded by "${earlier.name}"`;
}

export function sharesProtocol(a: Protocol, b: Protocol): boolean {
  return a === 'both' || b === 'both' || a === b;
}

/** Every port a model forwards, for lockout checks and the UI. */
export function exposedPortCount(model: GatewayModel): number {
  return model.forwards.filter((f) => f.enabled).reduce((n, f) => n + portCount(portRanges(f.publicPorts)), 0);
}

/**
 * Validation problems in a flat, API-friendly shape: the English message for
 * scripts, and a stable code with its parameters for clients that translate.
 */
export interface FieldProblem {
  path: string;
  message: string;
  code?: string;
  params?: IssueParams;
}

export function describeIssues(error: z.ZodError, prefix: readonly (string | number)[] = []): FieldProblem[] {
  return error.issues.map((i) => describeIssue(i, prefix));
}

/** Parses a model, returning field problems instead of throwing. */
export function validateModel(
  input: unknown,
): { ok: true; model: GatewayModel } | { ok: false; problems: FieldProblem[] } {
  const result = GatewayModel.safeParse(input);
  return result.success ? { ok: true, model: result.data } : { ok: false, problems: describeIssues(result.error) };
}
