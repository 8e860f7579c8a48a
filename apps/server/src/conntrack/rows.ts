/** The API's rows (schemas/conntrack.ts) of the index's entries (table.ts). */
import type { ExpectationRow, FlowRow } from '../schemas/conntrack.js';
import type { FlowAttribution } from './attribution.js';
import type { ExpectationEntry, FlowEntry } from './table.js';

/** `timeout`: seconds left (ConntrackTable.remaining); `a`: the forward and panel marks, when known. */
export function toFlowRow(e: FlowEntry, timeout: number | null, a: FlowAttribution | null): FlowRow {
  return {
    id: e.id,
    protocol: e.protocol,
    protonum: e.protonum,
    state: e.state,
    timeout,
    original: e.original,
    reply: e.reply,
    mark: e.mark,
    helper: e.helper,
    assured: e.assured,
    unreplied: e.unreplied,
    zone: e.zone,
    masterId: e.masterId,
    masterLinkedBy: e.masterLinkedBy,
    counters: e.counters,
    age: e.age,
    forward: a ? a.forwardOf(e.protonum, e.original, e.reply) : null,
    panel: a ? a.isPanel(e.protonum, e.reply) : false,
  };
}

export function toExpectationRow(e: ExpectationEntry, timeout: number | null): ExpectationRow {
  return {
    id: e.id,
    protocol: e.protocol,
    protonum: e.protonum,
    timeout,
    expected: e.expected,
    mask: e.mask,
    master: e.master,
    masterId: e.masterId,
    helper: e.helper,
    class: e.class,
    flags: e.flags,
  };
}
