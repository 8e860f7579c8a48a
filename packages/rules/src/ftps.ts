/**
 * FTPS forwards: FTP whose control channel is encrypted (AUTH TLS).
 *
 * The FTP helper reads PASV/PORT in the control channel to expect the data
 * connection and to rewrite the address in the 227 reply. Under TLS it reads
 * nothing: no expectation is made, no address is rewritten. So for such a
 * forward Gatehouse does what the helper cannot:
 *
 * - it forwards the server's passive port range (stated here) to the same
 *   server on the same ports, so the data connections are ordinary DNATed
 *   connections (render/forwards.ts: the range's map elements carry the
 *   forward's id like its public ports);
 * - the server must announce the public address itself (vsftpd
 *   `pasv_address`, proftpd `MasqueradeAddress`, pure-ftpd `-P`): nothing on
 *   the gateway can rewrite it;
 * - passive-only is refused while such a forward is enabled: its data
 *   connections are never helper-related, so the related-state rules would
 *   block nothing of it (and the forwarded range lets it in anyway).
 *
 * model.ts imports this file (not the other way round): nothing here reads
 * model.ts's values at load time.
 */
import { z } from 'zod';
import { coded, type IssueParams } from './issues.js';
import { formatRange, intersect, MAX_PORT_SPEC_LENGTH, type PortRange, parsePortSpec } from './ports.js';

/** Where each common FTP server is told to announce the public address in its 227 replies. */
export const FTPS_PUBLIC_ADDRESS_SETTINGS = [
  { server: 'vsftpd', setting: 'pasv_address=<public address>' },
  { server: 'proftpd', setting: 'MasqueradeAddress <public address>' },
  { server: 'pure-ftpd', setting: '-P <public address> (ForcePassiveIP)' },
] as const;

const SETTINGS_TEXT = FTPS_PUBLIC_ADDRESS_SETTINGS.map((s) => `${s.server}: ${s.setting}`).join('; ');

/** One port or one range: what every FTP server's passive range setting takes. */
export const FtpsPassivePorts = z
  .string()
  .max(MAX_PORT_SPEC_LENGTH, { error: `a port list is at most ${MAX_PORT_SPEC_LENGTH} characters`, abort: true })
  .superRefine((spec, ctx) => {
    const parsed = parsePortSpec(spec);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.message, params: parsed.issue });
      return;
    }
    if (parsed.ranges.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'state the server\'s passive range as one port or one range, such as "40000-40009"',
        params: coded('ftps.passive_one_range'),
      });
    }
  });

export const FtpsForwardSettings = z
  .object({
    /**
     * The server's passive port range (vsftpd pasv_min_port-pasv_max_port,
     * proftpd PassivePorts, pure-ftpd -p): forwarded to the same server on the
     * same ports.
     */
    passivePorts: FtpsPassivePorts.meta({
      description:
        'The FTP server\'s passive port range, e.g. "40000-40009"; forwarded as is (same ports) to the same server.',
    }),
  })
  .meta({
    description:
      'FTPS (encrypted control channel): the FTP helper cannot read it, so the passive range is forwarded instead, ' +
      'and the server must announce the public address itself in its 227 replies (' +
      SETTINGS_TEXT +
      '). Passive-only cannot be used while such a forward is enabled.',
  });

export type FtpsForwardSettings = z.output<typeof FtpsForwardSettings>;

/** The passive range of an FTPS forward; none when it is not FTPS or the range is invalid. */
export function ftpsPassiveRanges(f: { ftps?: FtpsForwardSettings | undefined }): PortRange[] {
  if (!f.ftps) return [];
  const parsed = parsePortSpec(f.ftps.passivePorts);
  return parsed.ok && parsed.ranges.length === 1 ? parsed.ranges : [];
}

/** What the FTPS checks read of a forward. */
export interface FtpsForwardView {
  name: string;
  enabled: boolean;
  protocol: 'tcp' | 'udp' | 'both';
  publicPorts: string;
  ftps?: FtpsForwardSettings | undefined;
}

export interface FtpsModelView {
  forwards: readonly FtpsForwardView[];
  gatewayForwards: readonly { name: string; enabled: boolean; protocol: 'tcp' | 'udp' | 'both'; publicPort: number }[];
  ftp: { enabled: boolean; passiveOnly: boolean };
}

type Issue = (path: (string | number)[], message: string, params: IssueParams) => void;

const carriesTcp = (p: 'tcp' | 'udp' | 'both') => p !== 'udp';

function publicRanges(f: FtpsForwardView): PortRange[] {
  const parsed = parsePortSpec(f.publicPorts);
  return parsed.ok ? parsed.ranges : [];
}

interface Span {
  index: number;
  range: PortRange;
  passive: boolean;
}

/**
 * The model-level FTPS rules, each on the field it concerns: the forward
 * carries TCP; its passive range does not overlap its own public ports,
 * another forward's public ports or passive range (reported on the later of
 * the two, like forward overlaps), or a gateway forward's port; passive-only
 * is off while an FTPS forward is enabled. An overlap with another forward's
 * public ports is on the passive range either way (and on that forward's
 * public ports too when it comes later, so its own form shows it).
 */
export function validateFtps(model: FtpsModelView, issue: Issue): void {
  const ftpsForwards: number[] = [];
  model.forwards.forEach((f, i) => {
    if (f.ftps && f.enabled) ftpsForwards.push(i);
  });
  if (ftpsForwards.length === 0) return;

  const spans: Span[] = [];
  for (const i of ftpsForwards) {
    const f = model.forwards[i] as FtpsForwardView;
    const passive = ftpsPassiveRanges(f);
    const path = ['forwards', i, 'ftps', 'passivePorts'];
    if (!carriesTcp(f.protocol)) {
      issue(
        ['forwards', i, 'ftps'],
        'FTPS runs over TCP: set the protocol to tcp (or both) for an FTPS forward',
        coded('ftps.needs_tcp'),
      );
      continue;
    }
    const [range] = passive;
    if (!range) continue;
    const own = intersect(publicRanges(f), passive).map(formatRange).join(',');
    if (own) {
      issue(
        path,
        `the passive range overlaps this forward's own public port(s) ${own}`,
        coded('ftps.passive_overlaps_own', { ports: own }),
      );
    }
    for (const g of model.gatewayForwards) {
      if (g.enabled && carriesTcp(g.protocol) && g.publicPort >= range.from && g.publicPort <= range.to) {
        issue(
          path,
          `port ${g.publicPort} is the gateway's own forward "${g.name}"; the passive range would shadow it`,
          coded('ftps.passive_shadows_gateway_forward', { port: g.publicPort, name: g.name }),
        );
      }
    }
    spans.push({ index: i, range, passive: true });
  }

  // Passive ranges against every TCP public range and each other; public against
  // public is model.ts's rule. Sorted sweep: O(n log n) for 200,000 forwards.
  model.forwards.forEach((f, index) => {
    if (!f.enabled || !carriesTcp(f.protocol)) return;
    for (const range of publicRanges(f)) spans.push({ index, range, passive: false });
  });
  spans.sort((a, b) => a.range.from - b.range.from || a.index - b.index);
  const reported = new Set<string>();
  let reach: Span | undefined;
  for (const span of spans) {
    if (reach && span.range.from <= reach.range.to && reach.index !== span.index && (span.passive || reach.passive)) {
      reportOverlap(model, issue, span, reach, reported);
    }
    if (!reach || span.range.to > reach.range.to) reach = span;
  }

  if (model.ftp.passiveOnly) {
    const first = model.forwards[ftpsForwards[0] as number] as FtpsForwardView;
    const why =
      'the FTP helper cannot read an encrypted control channel, so FTPS data connections are never related ' +
      'and passive-only would block none of them (the forwarded passive range lets them in)';
    issue(
      ['ftp', 'passiveOnly'],
      `passive-only cannot be used with the FTPS forward "${first.name}": ${why}`,
      coded('ftp.passive_only_with_ftps', { name: first.name }),
    );
    for (const i of ftpsForwards) {
      issue(
        ['forwards', i, 'ftps'],
        `switch passive-only off first: ${why}`,
        coded('ftps.passive_only_on', { name: (model.forwards[i] as FtpsForwardView).name }),
      );
    }
  }
}

function reportOverlap(model: FtpsModelView, issue: Issue, a: Span, b: Span, reported: Set<string>): void {
  const [earlier, later] = a.index < b.index ? [a, b] : [b, a];
  const key = `${later.index}/${earlier.index}/${later.passive}`;
  if (reported.has(key)) return;
  reported.add(key);
  const other = model.forwards[earlier.index] as FtpsForwardView;
  const laterForward = model.forwards[later.index] as FtpsForwardView;
  const earlierRanges = earlier.passive ? ftpsPassiveRanges(other) : publicRanges(other);
  const laterRanges = later.passive ? ftpsPassiveRanges(laterForward) : publicRanges(laterForward);
  const ports = intersect(earlierRanges, laterRanges).map(formatRange).join(',');
  if (later.passive) {
    issue(
      ['forwards', later.index, 'ftps', 'passivePorts'],
      earlier.passive
        ? `tcp port(s) ${ports} are already the FTPS passive range of "${other.name}"`
        : `tcp port(s) ${ports} already forwarded by "${other.name}"`,
      coded('ftps.passive_overlap', { ports, other: other.name }),
    );
  } else {
    issue(
      ['forwards', later.index, 'publicPorts'],
      `tcp port(s) ${ports} are the FTPS passive range of "${other.name}"`,
      coded('forward.ports_in_ftps_range', { ports, other: other.name }),
    );
    // The passive range is what the admin stated for the FTPS forward: it says so too.
    issue(
      ['forwards', earlier.index, 'ftps', 'passivePorts'],
      `tcp port(s) ${ports} are also forwarded by "${laterForward.name}"`,
      coded('ftps.passive_overlap', { ports, other: laterForward.name }),
    );
  }
}
