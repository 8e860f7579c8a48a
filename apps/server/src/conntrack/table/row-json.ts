/**
 * A slot's API row (schemas/conntrack.ts FlowRow, as rows.ts toFlowRow
 * builds it) written as JSON text straight from the columns: the same
 * text JSON.stringify gives for that row, keys in the same order
 * (test/pure/conntrack-row-json.test.ts holds them equal).
 *
 * For the flow events of a burst (50,000 a second, bench 15.2): a row
 * object, its two tuples and its counters, then JSON.stringify over them,
 * were ~1.2 KB of young garbage and a quarter of the CPU per event. The
 * text is written as bytes into one reused buffer (numbers and IPv4
 * addresses digit by digit), and the row is the one string made of them: a
 * template literal of the same row left ~1.7 KB of intermediate strings.
 */
import { protocolName } from '../parse.js';
import { ASSURED, type FlowColumns, HAS_COUNTERS, NO_VALUE, ODD, tuplesAt, UNREPLIED } from './columns.js';

let out = Buffer.allocUnsafe(4096);
let pos = 0;

function room(n: number): void {
  if (pos + n <= out.length) return;
  const bigger = Buffer.allocUnsafe(Math.max(2 * out.length, pos + n));
  out.copy(bigger, 0, 0, pos);
  out = bigger;
}

function put(b: Uint8Array): void {
  room(b.length);
  for (let i = 0; i < b.length; i++) out[pos++] = b[i] as number;
}

/** UTF-8 bytes of text rows repeat (names as JSON, a forward's fields), by the text: made once each. */
const encoded = new Map<string, Uint8Array>();
const quoted = new Map<string, Uint8Array>();

/** `key`'s bytes, or (`asJson`) the bytes of its JSON string. */
function cached(map: Map<string, Uint8Array>, key: string, asJson: boolean): Uint8Array {
  let b = map.get(key);
  if (b === undefined) {
    b = Buffer.from(asJson ? JSON.stringify(key) : key, 'utf8');
    if (map.size < 1024) map.set(key, b);
  }
  return b;
}

/** Text as it is (a forward and panel tail: one of a few). */
function raw(t: string): void {
  put(cached(encoded, t, false));
}

/** Text seen once (an odd tuple): written, not kept. */
function text(t: string): void {
  room(3 * t.length);
  pos += out.write(t, pos, 'utf8');
}

const bytes = (t: string): Uint8Array => Buffer.from(t, 'utf8');
const NULL = bytes('null');

/** A name (protocol, state, helper, link kind) as JSON: its text is made once. */
function name(s: string | null): void {
  put(s === null ? NULL : cached(quoted, s, true));
}

/** An id as a JSON string: a kernel id is digits (ids.string), a `t:` id may hold anything. */
function id(s: string): void {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch < 48 || ch > 57) {
      text(JSON.stringify(s));
      return;
    }
  }
  room(s.length + 2);
  out[pos++] = 34;
  for (let i = 0; i < s.length; i++) out[pos++] = s.charCodeAt(i);
  out[pos++] = 34;
}

/** A number as JSON.stringify writes it: digits for a safe integer >= 0, else its text. */
function num(n: number): void {
  if (!(n >= 0 && Number.isSafeInteger(n))) {
    text(JSON.stringify(n));
    return;
  }
  room(16);
  const start = pos;
  do {
    out[pos++] = 48 + (n % 10);
    n = Math.floor(n / 10);
  } while (n > 0);
  for (let i = start, j = pos - 1; i < j; i++, j--) {
    const t = out[i] as number;
    out[i] = out[j] as number;
    out[j] = t;
  }
}

function numOrNull(n: number | null): void {
  if (n === null) put(NULL);
  else num(n);
}

/** The row's fixed pieces (keys with the punctuation around them). */
const SRC = bytes('{"src":');
const DST = bytes(',"dst":');
const SPORT = bytes(',"sport":');
const DPORT = bytes(',"dport":');
const CLOSE = bytes('}');
const ID = bytes('{"id":');
const PROTOCOL = bytes(',"protocol":');
const PROTONUM = bytes(',"protonum":');
const STATE = bytes(',"state":');
const TIMEOUT = bytes(',"timeout":');
const ORIGINAL = bytes(',"original":');
const REPLY = bytes(',"reply":');
const MARK = bytes(',"mark":');
const HELPER = bytes(',"helper":');
const ZONE = bytes(',"zone":');
const MASTER_ID = bytes(',"masterId":');
const MASTER_LINKED_BY = bytes(',"masterLinkedBy":');
const COUNTERS = bytes(',"counters":');
const ORIG_PACKETS = bytes('{"origPackets":');
const ORIG_BYTES = bytes(',"origBytes":');
const REPLY_PACKETS = bytes(',"replyPackets":');
const REPLY_BYTES = bytes(',"replyBytes":');
const AGE = bytes(',"age":');
const COMMA = bytes(',');
const ASSURED_TRUE = bytes(',"assured":true');
const ASSURED_FALSE = bytes(',"assured":false');
const UNREPLIED_TRUE = bytes(',"unreplied":true');
const UNREPLIED_FALSE = bytes(',"unreplied":false');

/** A uint32 IPv4 address as a JSON string ("a.b.c.d"). */
function ipv4(u: number): void {
  room(17);
  out[pos++] = 34;
  num(u >>> 24);
  out[pos++] = 46;
  num((u >>> 16) & 255);
  out[pos++] = 46;
  num((u >>> 8) & 255);
  out[pos++] = 46;
  num(u & 255);
  out[pos++] = 34;
}

function tuple(c: FlowColumns, a: number): void {
  put(SRC);
  ipv4(c.addr[a] as number);
  put(DST);
  ipv4(c.addr[a + 1] as number);
  put(SPORT);
  num(c.port[a] as number);
  put(DPORT);
  num(c.port[a + 1] as number);
  put(CLOSE);
}

/** The row of slot `s`; the arguments are what ConntrackTable.entryAt reads besides the columns. */
export function flowRowJson(
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
): string {
  pos = 0;
  const f = c.flags[s] as number;
  const proto = c.proto[s] as number;
  const zone = c.zone[s] as number;
  put(ID);
  id(flowId);
  put(PROTOCOL);
  name(protocolName(proto));
  put(PROTONUM);
  num(proto);
  put(STATE);
  name(state);
  put(TIMEOUT);
  numOrNull(timeout);
  if (f & ODD) {
    const t = tuplesAt(c, s);
    text(`,"original":${JSON.stringify(t.original)},"reply":${JSON.stringify(t.reply)}`);
  } else {
    put(ORIGINAL);
    tuple(c, 4 * s);
    put(REPLY);
    tuple(c, 4 * s + 2);
  }
  put(MARK);
  num(c.mark[s] as number);
  put(HELPER);
  name(helper);
  put(f & ASSURED ? ASSURED_TRUE : ASSURED_FALSE);
  put(f & UNREPLIED ? UNREPLIED_TRUE : UNREPLIED_FALSE);
  put(ZONE);
  numOrNull(zone === NO_VALUE ? null : zone);
  put(MASTER_ID);
  if (masterId === null) put(NULL);
  else id(masterId);
  put(MASTER_LINKED_BY);
  name(masterLinkedBy);
  put(COUNTERS);
  if (f & HAS_COUNTERS) {
    put(ORIG_PACKETS);
    num(c.packets[2 * s] as number);
    put(ORIG_BYTES);
    num(c.bytes[2 * s] as number);
    put(REPLY_PACKETS);
    num(c.packets[2 * s + 1] as number);
    put(REPLY_BYTES);
    num(c.bytes[2 * s + 1] as number);
    put(CLOSE);
  } else put(NULL);
  put(AGE);
  numOrNull(age);
  put(COMMA);
  raw(tail);
  put(CLOSE);
  return out.toString('utf8', 0, pos);
}
