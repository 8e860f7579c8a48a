/**
 * The helper sections of the model (`ftp`, `tftp`), built by one factory so
 * every kind is shaped and validated the same way: switched on or off, the
 * ports on the servers (after DNAT) the helper watches, the servers it may
 * inspect (empty: every server a forward exposes one of those ports on).
 * FTP adds passive-only. FTP's field names, defaults, messages and codes
 * predate the family and are kept exactly, so stored models and API clients
 * see no change.
 */
import { z } from 'zod';
import { HELPER_KIND_SPECS, HELPER_KINDS, type HelperKind, type HelperKindSpec } from './helper-kinds.js';
import { coded, type IssueParams, type ModelIssueCode } from './issues.js';
import { containsPort, type PortRange } from './ports.js';

// The model's field schemas come in as arguments: model.ts imports this file, not the other way round.
type Ipv4Schema = z.ZodType<string>;
type PortSchema = z.ZodType<number>;

interface KindWording {
  /** "control port" for FTP (what its messages always said), "port" otherwise. */
  portNoun: string;
  codes: {
    portTwice: ModelIssueCode;
    portNotExposed: ModelIssueCode;
    portNotExposedOn: ModelIssueCode;
    serverNotForwarded: ModelIssueCode;
  };
}

const WORDING: Record<HelperKind, KindWording> = {
  ftp: {
    portNoun: 'control port',
    codes: {
      portTwice: 'ftp.control_port_twice',
      portNotExposed: 'ftp.port_not_exposed',
      portNotExposedOn: 'ftp.port_not_exposed_on',
      serverNotForwarded: 'ftp.server_not_forwarded',
    },
  },
  tftp: {
    portNoun: 'port',
    codes: {
      portTwice: 'tftp.port_twice',
      portNotExposed: 'tftp.port_not_exposed',
      portNotExposedOn: 'tftp.port_not_exposed_on',
      serverNotForwarded: 'tftp.server_not_forwarded',
    },
  },
};

const tooLong = (error: string) => ({ error, abort: true });

/** The fields every helper kind has; the ports field is named by the kind (FTP: controlPorts). */
function helperFields(spec: HelperKindSpec, Port: PortSchema, Ipv4Address: Ipv4Schema) {
  const { portNoun, codes } = WORDING[spec.kind];
  return {
    enabled: z.boolean().default(false),
    ports: z
      .array(Port)
      .min(1, { error: `at least one ${portNoun} is required` })
      .max(16, tooLong(`at most 16 ${portNoun}s`))
      .default([...spec.defaultPorts])
      .refine((ports) => new Set(ports).size === ports.length, {
        error: `a ${portNoun} is listed twice`,
        params: coded(codes.portTwice),
      }),
    /** Servers whose flows the helper may inspect; empty means every forwarded server. */
    servers: z.array(Ipv4Address).max(256, tooLong('at most 256 servers')).default([]),
  };
}

/** The helper sections' schemas, built from the model's own field schemas (Port, Ipv4Address). */
export function helperPolicySchemas(Port: PortSchema, Ipv4Address: Ipv4Schema) {
  const ftp = helperFields(HELPER_KIND_SPECS.ftp, Port, Ipv4Address);
  const tftp = helperFields(HELPER_KIND_SPECS.tftp, Port, Ipv4Address);
  const FtpHelperPolicy = z.object({
    enabled: ftp.enabled,
    /** Control ports on the servers (after DNAT), e.g. 21 or 2121. */
    controlPorts: ftp.ports,
    servers: ftp.servers,
    /** Allow only passive data connections (client -> server); active FTP is dropped. */
    passiveOnly: z.boolean().default(false),
  });
  const TftpHelperPolicy = z.object({
    enabled: tftp.enabled,
    /** UDP ports on the servers (after DNAT) that take read and write requests, e.g. 69. */
    ports: tftp.ports,
    servers: tftp.servers,
  });
  return {
    FtpHelperPolicy,
    TftpHelperPolicy,
    /** Defaults of the sections, for GatewayModel: a stored model from before a kind existed loads with it off. */
    defaults: {
      ftp: { enabled: false, controlPorts: [21], servers: [], passiveOnly: false },
      tftp: { enabled: false, ports: [...HELPER_KIND_SPECS.tftp.defaultPorts], servers: [] },
    },
  };
}

type HelperSchemas = ReturnType<typeof helperPolicySchemas>;

/** What the helper code reads of a model: its helper sections, typed by their schemas. */
export interface HelperSections {
  ftp: z.output<HelperSchemas['FtpHelperPolicy']>;
  tftp: z.output<HelperSchemas['TftpHelperPolicy']>;
}

/** The common view of one kind's section. */
export interface HelperPolicyView {
  kind: HelperKind;
  spec: HelperKindSpec;
  enabled: boolean;
  ports: number[];
  servers: string[];
}

export function helperPolicy(model: HelperSections, kind: HelperKind): HelperPolicyView {
  const spec = HELPER_KIND_SPECS[kind];
  const section = model[kind] as { enabled: boolean; servers: string[] } & Record<string, unknown>;
  return {
    kind,
    spec,
    enabled: section.enabled,
    ports: section[spec.portsField] as number[],
    servers: section.servers,
  };
}

/** Every kind's section, in output order. */
export function helperPolicies(model: HelperSections): HelperPolicyView[] {
  return HELPER_KINDS.map((k) => helperPolicy(model, k));
}

/** The parts of a forward the helper rules look at. */
export interface HelperForward {
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  target: string;
}

/** Whether a forward carries the kind's protocol. */
export function carriesProtocol(f: Pick<HelperForward, 'protocol'>, protocol: 'tcp' | 'udp'): boolean {
  return f.protocol === 'both' || f.protocol === protocol;
}

type RangesOf<F> = (f: F) => PortRange[];

/**
 * Whether a forward is one an enabled helper's rules (port exposure, derived
 * servers) may rely on: changing it may change the assignment rule, so it is
 * never a map-element delta.
 */
export function feedsHelper<F extends HelperForward>(model: HelperSections, f: F, rangesOf: RangesOf<F>): boolean {
  if (!f.enabled) return false;
  return helperPolicies(model).some((h) => {
    if (!h.enabled || !carriesProtocol(f, h.spec.protocol)) return false;
    if (h.servers.includes(f.target)) return true;
    const ranges = rangesOf(f);
    return h.ports.some((p) => containsPort(ranges, p));
  });
}

/**
 * The semantic rules of every helper section: each port must be exposed by
 * an enabled forward of the kind's protocol to a helper server, each listed
 * server must be a forward's target, and (FTP) passive-only needs the helper.
 */
export function validateHelpers<F extends HelperForward>(
  model: HelperSections & { forwards: F[] },
  rangesOf: RangesOf<F>,
  issue: (path: (string | number)[], message: string, params: IssueParams) => void,
): void {
  if (model.ftp.passiveOnly && !model.ftp.enabled) {
    issue(
      ['ftp', 'passiveOnly'],
      'passive-only needs the FTP helper switched on (it is enforced on helper-related flows)',
      coded('ftp.passive_only_needs_helper'),
    );
  }
  for (const h of helperPolicies(model)) {
    if (!h.enabled) continue;
    const { codes } = WORDING[h.kind];
    const proto = h.spec.protocol.toUpperCase();
    const carrying = model.forwards.filter((f) => f.enabled && carriesProtocol(f, h.spec.protocol));
    const servers = new Set(h.servers);
    h.ports.forEach((port, i) => {
      const exposed = carrying.some(
        (f) => (servers.size === 0 || servers.has(f.target)) && containsPort(rangesOf(f), port),
      );
      if (exposed) return;
      issue(
        [h.kind, h.spec.portsField, i],
        servers.size === 0
          ? `no enabled ${proto} forward exposes port ${port} on any server`
          : `no enabled ${proto} forward exposes port ${port} on ${[...servers].join(', ')}`,
        servers.size === 0
          ? coded(codes.portNotExposed, { port })
          : coded(codes.portNotExposedOn, { port, servers: [...servers].join(', ') }),
      );
    });
    h.servers.forEach((server, i) => {
      if (!carrying.some((f) => f.target === server)) {
        issue(
          [h.kind, 'servers', i],
          `no enabled ${proto} forward targets ${server}`,
          coded(codes.serverNotForwarded, { server }),
        );
      }
    });
  }
}
