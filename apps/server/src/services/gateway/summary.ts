/**
 * What a change does, in plain words: the applied model against the desired
 * one (or a revision against the live one), as a list of sentences. Each has
 * a code and parameters so the UI can say it in the operator's language, and
 * an English text for the API and the CLI. Pure: no I/O, no clock.
 */
import type { GatewayForward, GatewayModel, PortForward } from '@gatehouse/rules';

export interface Sentence {
  code: string;
  params: Record<string, string | number>;
  text: string;
}

/** At most this many sentences; the rest is counted in one `more` sentence. */
export const MAX_SENTENCES = 50;

const protoText = (p: 'tcp' | 'udp' | 'both') => (p === 'both' ? 'tcp+udp' : p);

/** "tcp 8080 -> 192.168.1.2:80 from 198.51.100.0/24" */
export function describeForward(f: PortForward): string {
  const to = `${f.target}:${f.targetPort ?? f.publicPorts}`;
  const from = f.allowedSources.length > 0 ? ` from ${f.allowedSources.join(', ')}` : '';
  return `${protoText(f.protocol)} ${f.publicPorts} -> ${to}${from}${f.enabled ? '' : ' (disabled)'}`;
}

export function describeGatewayForward(f: GatewayForward): string {
  const from = f.allowedSources.length > 0 ? ` from ${f.allowedSources.join(', ')}` : '';
  return `${protoText(f.protocol)} ${f.publicPort} -> gateway:${f.localPort}${from}${f.enabled ? '' : ' (disabled)'}`;
}

const TEXT: Record<string, (p: Record<string, string | number>) => string> = {
  'first-apply': (p) => `first apply: creates table ${p.table} with ${p.forwards} forwards`,
  'table-removed': (p) => `table ${p.table} removed: nothing applied`,
  'table-renamed': (p) => `table renamed from ${p.from} to ${p.to}`,
  'forward-added': (p) => `forward ${p.id} added: ${p.rule}`,
  'forward-removed': (p) => `forward ${p.id} removed (was ${p.rule})`,
  'forward-changed': (p) => `forward ${p.id} changed: ${p.rule} (was ${p.was})`,
  'forward-enabled': (p) => `forward ${p.id} enabled`,
  'forward-disabled': (p) => `forward ${p.id} disabled`,
  'forward-renamed': (p) => `forward ${p.id} renamed to "${p.name}"`,
  'gateway-forward-added': (p) => `gateway forward ${p.id} added: ${p.rule}`,
  'gateway-forward-removed': (p) => `gateway forward ${p.id} removed (was ${p.rule})`,
  'gateway-forward-changed': (p) => `gateway forward ${p.id} changed: ${p.rule} (was ${p.was})`,
  'ftp-on': (p) => `FTP helper turned on for ports ${p.ports}`,
  'ftp-off': () => 'FTP helper turned off',
  'ftp-ports-added': (p) => `FTP helper now also on ${p.ports}`,
  'ftp-ports-removed': (p) => `FTP helper no longer on ${p.ports}`,
  'ftp-servers': (p) => `FTP helper servers: ${p.servers}`,
  'passive-only-on': () => 'passive-only FTP turned on: active FTP is dropped',
  'passive-only-off': () => 'passive-only FTP turned off',
  'tftp-on': (p) => `TFTP helper now on ${p.ports}`,
  'tftp-off': () => 'TFTP helper turned off',
  'tftp-ports': (p) => `TFTP helper ports now ${p.ports} (were ${p.was})`,
  'tftp-servers': (p) => `TFTP helper servers: ${p.servers}`,
  'wan-changed': (p) => `WAN interface ${p.from} -> ${p.to}`,
  'lan-changed': (p) => `LAN interfaces ${p.from} -> ${p.to}`,
  'masquerade-changed': (p) => `masquerade: forwarded servers ${p.servers}, LAN to WAN ${p.lan}`,
  'filter-changed': (p) => `forward filter: policy ${p.policy}, LAN to WAN ${p.lan}`,
  more: (p) => `and ${p.count} more changes`,
};

function sentence(code: string, params: Record<string, string | number> = {}): Sentence {
  const make = TEXT[code];
  return { code, params, text: make ? make(params) : code };
}

const TFTP_OFF: GatewayModel['tftp'] = { enabled: false, ports: [69], servers: [] };

const onOff = (b: boolean) => (b ? 'on' : 'off');
const list = (xs: readonly (string | number)[]) => (xs.length > 0 ? xs.join(', ') : 'none');

function forwardSentences(before: PortForward, after: PortForward): Sentence[] {
  const out: Sentence[] = [];
  const rule = describeForward({ ...after, enabled: true });
  const was = describeForward({ ...before, enabled: true });
  if (rule !== was) out.push(sentence('forward-changed', { id: after.id, rule, was }));
  if (before.enabled !== after.enabled)
    out.push(sentence(after.enabled ? 'forward-enabled' : 'forward-disabled', { id: after.id }));
  if (before.name !== after.name) out.push(sentence('forward-renamed', { id: after.id, name: after.name }));
  return out;
}

function byId<T extends { id: string }>(xs: readonly T[]): Map<string, T> {
  return new Map(xs.map((x) => [x.id, x]));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The sentences that take `from` (what the kernel holds; null: nothing) to `to`. */
export function summarizeChange(from: GatewayModel | null, to: GatewayModel | null): Sentence[] {
  const out: Sentence[] = [];
  let extra = 0;
  const push = (...s: Sentence[]) => {
    for (const x of s) {
      if (out.length < MAX_SENTENCES) out.push(x);
      else extra++;
    }
  };
  if (!to) {
    if (from) push(sentence('table-removed', { table: from.table }));
    return out;
  }
  if (!from) {
    push(sentence('first-apply', { table: to.table, forwards: to.forwards.length }));
    return out;
  }
  if (from.table !== to.table) push(sentence('table-renamed', { from: from.table, to: to.table }));
  if (from.interfaces.wan !== to.interfaces.wan)
    push(sentence('wan-changed', { from: from.interfaces.wan, to: to.interfaces.wan }));
  if (!same(from.interfaces.lan, to.interfaces.lan))
    push(sentence('lan-changed', { from: list(from.interfaces.lan), to: list(to.interfaces.lan) }));

  // Forwards: a map each way, one pass each (100,000 forwards stay linear).
  if (from.forwards !== to.forwards) {
    const old = byId(from.forwards);
    const seen = new Set<string>();
    for (const f of to.forwards) {
      seen.add(f.id);
      const before = old.get(f.id);
      if (!before) push(sentence('forward-added', { id: f.id, rule: describeForward(f) }));
      else if (before !== f && !same(before, f)) push(...forwardSentences(before, f));
    }
    for (const f of from.forwards) {
      if (!seen.has(f.id)) push(sentence('forward-removed', { id: f.id, rule: describeForward(f) }));
    }
  }
  const oldGw = byId(from.gatewayForwards);
  const newGw = byId(to.gatewayForwards);
  for (const f of to.gatewayForwards) {
    const before = oldGw.get(f.id);
    if (!before) push(sentence('gateway-forward-added', { id: f.id, rule: describeGatewayForward(f) }));
    else if (!same(before, f))
      push(
        sentence('gateway-forward-changed', {
          id: f.id,
          rule: describeGatewayForward(f),
          was: describeGatewayForward(before),
        }),
      );
  }
  for (const f of from.gatewayForwards) {
    if (!newGw.has(f.id)) push(sentence('gateway-forward-removed', { id: f.id, rule: describeGatewayForward(f) }));
  }

  const a = from.ftp;
  const b = to.ftp;
  if (a.enabled !== b.enabled) {
    push(b.enabled ? sentence('ftp-on', { ports: list(b.controlPorts) }) : sentence('ftp-off'));
  } else if (b.enabled) {
    const added = b.controlPorts.filter((p) => !a.controlPorts.includes(p));
    const removed = a.controlPorts.filter((p) => !b.controlPorts.includes(p));
    if (added.length > 0) push(sentence('ftp-ports-added', { ports: list(added) }));
    if (removed.length > 0) push(sentence('ftp-ports-removed', { ports: list(removed) }));
  }
  if (!same([...a.servers].sort(), [...b.servers].sort()))
    push(sentence('ftp-servers', { servers: b.servers.length > 0 ? b.servers.join(', ') : 'every forwarded server' }));
  if (a.passiveOnly !== b.passiveOnly) push(sentence(b.passiveOnly ? 'passive-only-on' : 'passive-only-off'));

  // TFTP helper; a revision stored before the section existed has none: off.
  const ta = from.tftp ?? TFTP_OFF;
  const tb = to.tftp ?? TFTP_OFF;
  if (ta.enabled !== tb.enabled)
    push(tb.enabled ? sentence('tftp-on', { ports: list(tb.ports) }) : sentence('tftp-off'));
  else if (tb.enabled && !same(ta.ports, tb.ports))
    push(sentence('tftp-ports', { ports: list(tb.ports), was: list(ta.ports) }));
  if (tb.enabled && !same([...ta.servers].sort(), [...tb.servers].sort()))
    push(
      sentence('tftp-servers', { servers: tb.servers.length > 0 ? tb.servers.join(', ') : 'every forwarded server' }),
    );

  if (!same(from.masquerade, to.masquerade))
    push(
      sentence('masquerade-changed', {
        servers: onOff(to.masquerade.forwardedServers),
        lan: onOff(to.masquerade.lanToWan),
      }),
    );
  if (!same(from.filter, to.filter))
    push(sentence('filter-changed', { policy: to.filter.policy, lan: onOff(to.filter.allowLanToWan) }));
  if (extra > 0) out.push(sentence('more', { count: extra }));
  return out;
}
