/**
 * Checking one forward change against 100,000 forwards without validating the
 * whole model again (~1 s): an index of the public ports every enabled
 * forward holds, per protocol, answers "who already forwards this port" in
 * one array read per port.
 *
 * The checks and their messages are the model's own (model.ts): the same
 * overlap and shadowing texts on the same paths, so a change accepted here is
 * one GatewayModel.parse() would accept. Whenever a change could affect a rule
 * this index does not cover (the FTP helper's coverage of its control ports,
 * the forward count limit, the source-limited map budget being exceeded),
 * check() answers `full` and the caller validates the whole model, which
 * reports the problem on the path it chooses.
 */
import { feedsHelper } from './helper-policy.js';
import type { IssueParams } from './issues.js';
import {
  alreadyForwardedIssue,
  alreadyForwardedMessage,
  describeIssues,
  type FieldProblem,
  type GatewayModel,
  MAX_SOURCE_MAP_ELEMENTS,
  PortForward,
  protocolsOf,
  shadowsGatewayForwardIssue,
  shadowsGatewayForwardMessage,
  sharesProtocol,
  sourceMapElements,
  targetRanges,
} from './model.js';
import { containsPort, formatRange, intersect, type PortRange, parsePortSpec } from './ports.js';

const MAX_FORWARDS = 200_000;

export type ForwardCheck =
  | { kind: 'ok'; forward: PortForward }
  | { kind: 'invalid'; problems: FieldProblem[] }
  | { kind: 'full'; reason: string };

export class ForwardPortIndex {
  /** owners[proto][port] = id of the enabled forward holding that public port. */
  private readonly owners: Record<'tcp' | 'udp', Array<string | undefined>> = {
    tcp: new Array<string | undefined>(65536),
    udp: new Array<string | undefined>(65536),
  };
  private readonly byId = new Map<string, PortForward>();
  /** Elements the enabled forwards put in the source-limited maps (model.ts MAX_SOURCE_MAP_ELEMENTS). */
  private sourceElements = 0;
  /** Enabled FTPS forwards: their passive ranges are checked on the whole model (ftps.ts), not here. */
  private ftpsForwards = 0;

  constructor(forwards: readonly PortForward[]) {
    for (const f of forwards) this.add(f);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): PortForward | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  add(f: PortForward): void {
    this.remove(f.id);
    this.byId.set(f.id, f);
    this.mark(f, f.id);
    this.sourceElements += f.enabled ? sourceMapElements(f) : 0;
    this.ftpsForwards += f.enabled && f.ftps ? 1 : 0;
  }

  remove(id: string): void {
    const f = this.byId.get(id);
    if (!f) return;
    this.byId.delete(id);
    this.mark(f, undefined);
    this.sourceElements -= f.enabled ? sourceMapElements(f) : 0;
    this.ftpsForwards -= f.enabled && f.ftps ? 1 : 0;
  }

  private mark(f: PortForward, owner: string | undefined): void {
    if (!f.enabled) return;
    const parsed = parsePortSpec(f.publicPorts);
    if (!parsed.ok) return;
    for (const proto of protocolsOf(f.protocol)) {
      const table = this.owners[proto];
      for (const r of parsed.ranges) {
        for (let p = r.from; p <= r.to; p++) {
          if (owner === undefined && table[p] !== f.id) continue;
          table[p] = owner;
        }
      }
    }
  }

  /**
   * Checks `input` as the forward at `position` of `model.forwards` (the
   * model it is about to join: `position === model.forwards.length` for a new
   * one). Problem paths are model paths (`forwards.<i>.publicPorts`), as
   * GatewayModel.parse() reports them.
   */
  check(model: GatewayModel, input: unknown, position: number): ForwardCheck {
    const parsed = PortForward.safeParse(input);
    if (!parsed.success) {
      return {
        kind: 'invalid',
        problems: describeIssues(parsed.error, ['forwards', position]),
      };
    }
    const f = parsed.data;
    const replacing = model.forwards[position];
    if (!replacing && model.forwards.length + 1 > MAX_FORWARDS) return { kind: 'full', reason: 'forward limit' };
    if (replacing && feedsFtpHelper(model, replacing)) {
      return { kind: 'full', reason: 'a helper (FTP, TFTP) may depend on the forward being changed' };
    }
    if (f.ftps || this.ftpsForwards > 0)
      return { kind: 'full', reason: 'FTPS passive ranges are checked on the whole model' };
    const elements = f.enabled ? sourceMapElements(f) : 0;
    const before = replacing?.enabled ? sourceMapElements(replacing) : 0;
    if (elements > 0 && this.sourceElements - before + elements > MAX_SOURCE_MAP_ELEMENTS) {
      return { kind: 'full', reason: 'the source-limited maps would exceed their element budget' };
    }
    const problems: FieldProblem[] = [];
    const issue = (i: number, message: string, params: IssueParams) => {
      const { code, ...rest } = params;
      problems.push({ path: `forwards.${i}.publicPorts`, message, code: String(code), params: rest });
    };
    const ranges = (parsePortSpec(f.publicPorts) as { ok: true; ranges: PortRange[] }).ranges;
    if (f.enabled) {
      for (const g of model.gatewayForwards) {
        if (g.enabled && sharesProtocol(f.protocol, g.protocol) && containsPort(ranges, g.publicPort)) {
          issue(position, shadowsGatewayForwardMessage(g), shadowsGatewayForwardIssue(g));
        }
      }
      const reported = new Set<string>();
      for (const proto of protocolsOf(f.protocol)) {
        const table = this.owners[proto];
        for (const r of ranges) {
          for (let p = r.from; p <= r.to; p++) {
            const owner = table[p];
            if (owner === undefined || owner === f.id || reported.has(owner)) continue;
            reported.add(owner);
            const other = this.byId.get(owner) as PortForward;
            const otherPosition =
              position < model.forwards.length ? model.forwards.findIndex((x) => x.id === owner) : -1;
            const otherFirst = otherPosition < position;
            const [earlier, later] = otherFirst ? [other, f] : [f, other];
            const common = intersect(
              (parsePortSpec(earlier.publicPorts) as { ok: true; ranges: PortRange[] }).ranges,
              (parsePortSpec(later.publicPorts) as { ok: true; ranges: PortRange[] }).ranges,
            )
              .map(formatRange)
              .join(',');
            issue(
              otherFirst ? position : otherPosition,
              alreadyForwardedMessage(proto, common, earlier),
              alreadyForwardedIssue(proto, common, earlier),
            );
          }
        }
      }
    }
    return problems.length > 0 ? { kind: 'invalid', problems } : { kind: 'ok', forward: f };
  }
}

/**
 * Whether a forward is one an enabled helper's rules (port exposure, helper
 * servers) may rely on: FTP's or any other kind's (helper-policy.ts). The
 * name predates the family.
 */
export function feedsFtpHelper(model: GatewayModel, f: PortForward): boolean {
  return feedsHelper(model, f, targetRanges);
}
