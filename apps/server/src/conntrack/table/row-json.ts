/**
 * A slot's API row (schemas/conntrack.ts FlowRow, as rows.ts toFlowRow
 * builds it) written as JSON text straight from the columns: the same
 * text JSON.stringify gives for that row, keys in the same order
 * (test/pure/conntrack-row-json.test.ts holds them equal).
 *
 * For the flow events of a burst (50,000 a second, bench 15.2): a row
 * object, its two tuples and its counters, then JSON.stringify over them,
 * were ~1.2 KB of young garbage and a quarter of the CPU per event. The
 * row is written as bytes (lib/text-bytes.ts) straight into the event hub's
 * window: no string at all (a template literal of the same row left
 * ~1.7 KB of intermediate strings).
 */
import { type TextBytes, textBytes } from '../../lib/text-bytes.js';
import { protocolName } from '../parse.js';
import { ASSURED, type FlowColumns, HAS_COUNTERS, NO_VALUE, ODD, tuplesAt, UNREPLIED } from './columns.js';

/** The row's fixed pieces (keys with the punctuation around them). */
const ID = textBytes('{"id":');
const PROTOCOL = textBytes(',"protocol":');
const PROTONUM = textBytes(',"protonum":');
const STATE = textBytes(',"state":');
const TIMEOUT = textBytes(',"timeout":');
const ORIGINAL = textBytes(',"original":');
const REPLY = textBytes(',"reply":');
const SRC = textBytes('{"src":');
const DST = textBytes(',"dst":');
const SPORT = textBytes(',"sport":');
const DPORT = textBytes(',"dport":');
const MARK = textBytes(',"mark":');
const HELPER = textBytes(',"helper":');
const ASSURED_TRUE = textBytes(',"assured":true');
const ASSURED_FALSE = textBytes(',"assured":false');
const UNREPLIED_TRUE = textBytes(',"unreplied":true');
const UNREPLIED_FALSE = textBytes(',"unreplied":false');
const ZONE = textBytes(',"zone":');
const MASTER_ID = textBytes(',"masterId":');
const MASTER_LINKED_BY = textBytes(',"masterLinkedBy":');
const COUNTERS = textBytes(',"counters":');
const ORIG_PACKETS = textBytes('{"origPackets":');
const ORIG_BYTES = textBytes(',"origBytes":');
const REPLY_PACKETS = textBytes(',"replyPackets":');
const REPLY_BYTES = textBytes(',"replyBytes":');
const AGE = textBytes(',"age":');
const NULL = textBytes('null');
const COMMA = 44;
const CLOSE = 125;

function tuple(out: TextBytes, c: FlowColumns, a: number): void {
  out.put(SRC);
  out.ipv4(c.addr[a] as number);
  out.put(DST);
  out.ipv4(c.addr[a + 1] as number);
  out.put(SPORT);
  out.num(c.port[a] as number);
  out.put(DPORT);
  out.num(c.port[a + 1] as number);
  out.byte(CLOSE);
}

/**
 * Writes the row of slot `s` into `out`; the arguments are what
 * ConntrackTable.entryAt reads besides the columns, and `tail` the row's
 * forward and panel fields as text.
 */
export function writeFlowRowJson(
  out: TextBytes,
  c: FlowColumns,
  s: number,
  flowId: string,
  state: string | null,
  helper: string | null,
  timeout: number | null,
  age: number | null,
  masterId: string | null,
  masterLinkedBy: string | null,
  tail: string,
): void {
  const f = c.flags[s] as number;
  const proto = c.proto[s] as number;
  const zone = c.zone[s] as number;
  out.put(ID);
  out.id(flowId);
  out.put(PROTOCOL);
  out.name(protocolName(proto));
  out.put(PROTONUM);
  out.num(proto);
  out.put(STATE);
  out.name(state);
  out.put(TIMEOUT);
  out.numOrNull(timeout);
  if (f & ODD) {
    const t = tuplesAt(c, s);
    out.text(`,"original":${JSON.stringify(t.original)},"reply":${JSON.stringify(t.reply)}`);
  } else {
    out.put(ORIGINAL);
    tuple(out, c, 4 * s);
    out.put(REPLY);
    tuple(out, c, 4 * s + 2);
  }
  out.put(MARK);
  out.num(c.mark[s] as number);
  out.put(HELPER);
  out.name(helper);
  out.put(f & ASSURED ? ASSURED_TRUE : ASSURED_FALSE);
  out.put(f & UNREPLIED ? UNREPLIED_TRUE : UNREPLIED_FALSE);
  out.put(ZONE);
  out.numOrNull(zone === NO_VALUE ? null : zone);
  out.put(MASTER_ID);
  if (masterId === null) out.put(NULL);
  else out.id(masterId);
  out.put(MASTER_LINKED_BY);
  out.name(masterLinkedBy);
  out.put(COUNTERS);
  if (f & HAS_COUNTERS) {
    out.put(ORIG_PACKETS);
    out.num(c.packets[2 * s] as number);
    out.put(ORIG_BYTES);
    out.num(c.bytes[2 * s] as number);
    out.put(REPLY_PACKETS);
    out.num(c.packets[2 * s + 1] as number);
    out.put(REPLY_BYTES);
    out.num(c.bytes[2 * s + 1] as number);
    out.byte(CLOSE);
  } else out.put(NULL);
  out.put(AGE);
  out.numOrNull(age);
  out.byte(COMMA);
  out.raw(tail);
  out.byte(CLOSE);
}
