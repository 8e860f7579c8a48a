/**
 * Incremental changes: when only port forwards changed, the running table
 * needs only a few map elements added or deleted, and nft can take that as
 * one small transaction. Re-rendering and reloading 100,000 elements for one
 * new forward costs seconds; the delta costs what one `nft add element` does.
 *
 * A delta is refused (full apply instead) whenever the change could touch
 * anything but the maps: another part of the model differs, or a helper
 * (FTP, TFTP) derives its server list from the forwards, or FTP its ports
 * (a control port only FTPS forwards expose is left out), and the change
 * touches one of its ports.
 */
import { TABLE_FAMILY } from './compile.js';
import { carriesProtocol, helperPolicies } from './helper-policy.js';
import { type GatewayModel, type PortForward, targetRanges } from './model.js';
import { containsPort } from './ports.js';
import { reflectionFlagMatters } from './reflection.js';
import { forwardElements, type MapElement, renderElement } from './render/forwards.js';

export type ForwardChangePlan =
  | { kind: 'delta'; script: string; added: number; removed: number }
  | { kind: 'full'; reason: string };

function withoutForwards(m: GatewayModel): string {
  return JSON.stringify({ ...m, forwards: undefined });
}

/** The helper (its label) whose server list or ports a forward feeds, if any: FTP's, TFTP's, ... */
function touchedHelper(model: GatewayModel, f: PortForward | undefined): string | undefined {
  if (!f?.enabled) return undefined;
  const ranges = targetRanges(f);
  const h = helperPolicies(model).find(
    (h) =>
      h.enabled &&
      // FTP's rule also leaves out a control port only FTPS forwards expose
      // (render/helpers.ts helperRulePorts): any forward on a control port may change it.
      (h.servers.length === 0 || h.kind === 'ftp') &&
      carriesProtocol(f, h.spec.protocol) &&
      h.ports.some((p) => containsPort(ranges, p)),
  );
  return h?.spec.label;
}

/**
 * Plans the change from `prev` to `next` for the forwards whose ids are in
 * `changed` (created, updated or deleted). The caller passes the ids it
 * changed so nothing has to diff 100,000 forwards.
 */
export function planForwardChange(
  prev: GatewayModel,
  next: GatewayModel,
  changed: readonly string[],
): ForwardChangePlan {
  const ids = new Set(changed);
  const before = new Map<string, PortForward>();
  const after = new Map<string, PortForward>();
  for (const f of prev.forwards) if (ids.has(f.id)) before.set(f.id, f);
  for (const f of next.forwards) if (ids.has(f.id)) after.set(f.id, f);
  return planForwardDelta(
    prev,
    next,
    [...ids].map((id) => ({ id, before: before.get(id), after: after.get(id) })),
  );
}

export interface ForwardChange {
  id: string;
  before: PortForward | undefined;
  after: PortForward | undefined;
}

/**
 * planForwardChange() for a caller that already holds the changed forwards
 * (the server's forward routes): nothing here walks the forward lists, so a
 * one-forward change costs the same at 100,000 forwards as at ten.
 */
export function planForwardDelta(
  prev: GatewayModel,
  next: GatewayModel,
  changes: readonly ForwardChange[],
): ForwardChangePlan {
  if (prev.table !== next.table) return { kind: 'full', reason: 'the table name changed' };
  if (withoutForwards(prev) !== withoutForwards(next)) return { kind: 'full', reason: 'more than forwards changed' };
  for (const { id, before, after } of changes) {
    const helper = touchedHelper(prev, before) ?? touchedHelper(next, after);
    if (helper) return { kind: 'full', reason: `forward ${id} changes which servers the ${helper} helper inspects` };
    // A forward whose own reflection flag counts is an element of the reflection port sets (render/reflection.ts).
    if (reflectionFlagMatters(prev, before) || reflectionFlagMatters(next, after)) {
      return { kind: 'full', reason: `forward ${id} changes which forwards NAT reflection covers` };
    }
  }
  const removed: MapElement[] = [];
  const added: MapElement[] = [];
  for (const { before, after } of changes) {
    if (before) removed.push(...forwardElements(before));
    if (after) added.push(...forwardElements(after));
  }
  const table = `${TABLE_FAMILY} ${next.table}`;
  const lines: string[] = [];
  for (const [map, els] of group(removed)) {
    lines.push(`delete element ${table} ${map} { ${els.map((e) => e.key).join(', ')} }`);
  }
  for (const [map, els] of group(added)) {
    lines.push(`add element ${table} ${map} { ${els.map(renderElement).join(', ')} }`);
  }
  return { kind: 'delta', script: `${lines.join('\n')}\n`, added: added.length, removed: removed.length };
}

function group(els: MapElement[]): Map<string, MapElement[]> {
  const out = new Map<string, MapElement[]>();
  for (const e of els) {
    const list = out.get(e.map) ?? [];
    list.push(e);
    out.set(e.map, list);
  }
  return out;
}
