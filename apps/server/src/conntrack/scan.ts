/**
 * The fast path of parse.ts for the line nearly every flow is: IPv4, TCP/UDP
 * (both ports), a kernel id (`-o id`), no helper or zone. One pass over the
 * characters, numbers read in place, addresses as uint32: no split, no
 * regular expression, no token strings. A dump of 1,000,000 flows is
 * 1,000,000 such lines, and parseFlowLine (split + objects + address
 * strings) cost ~2.5 µs a line, as much as conntrack takes to print it.
 *
 * scanFlowLine accepts only that shape and returns false for anything else
 * (IPv6, ICMP, helper=, zone=, a key it does not know, no id), and the
 * caller falls back to parseFlowLine, so both read every line the same way
 * (test/pure/conntrack-scan.test.ts compares them).
 */
import { type EventType, type Flow, intToIpv4, protocolName } from './parse.js';

/** One scanned line; reused from line to line (nothing allocated per line but a new state name). */
export interface FlowScan {
  type: EventType | null;
  protonum: number;
  /** -1: the line has none. */
  timeout: number;
  state: string | null;
  /** Original src, dst, reply src, dst. */
  readonly addr: Uint32Array;
  /** Original sport, dport, reply sport, dport. */
  readonly port: Uint16Array;
  hasCounters: boolean;
  origPackets: number;
  origBytes: number;
  replyPackets: number;
  replyBytes: number;
  assured: boolean;
  unreplied: boolean;
  mark: number;
  use: number;
  /** The kernel's id. */
  id: number;
  /** Seconds since the flow began; -1: none. */
  age: number;
}

export function newFlowScan(): FlowScan {
  return {
    type: null,
    protonum: 0,
    timeout: -1,
    state: null,
    addr: new Uint32Array(4),
    port: new Uint16Array(4),
    hasCounters: false,
    origPackets: 0,
    origBytes: 0,
    replyPackets: 0,
    replyBytes: 0,
    assured: false,
    unreplied: false,
    mark: 0,
    use: -1,
    id: -1,
    age: -1,
  };
}

const SP = 32;
const EQ = 61;
const LB = 91;
const RB = 93;
const NL = 10;

const bytesOf = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const K_SRC = bytesOf('src');
const K_DST = bytesOf('dst');
const K_SPORT = bytesOf('sport');
const K_DPORT = bytesOf('dport');
const K_PACKETS = bytesOf('packets');
const K_BYTES = bytesOf('bytes');
const K_ID = bytesOf('id');
const K_MARK = bytesOf('mark');
const K_USE = bytesOf('use');
const K_DELTA = bytesOf('delta-time');
/** A DESTROY a process asked for (`conntrack -F`, `-D`) ends `[USERSPACE] portid=N progname=NAME` (ignored). */
const K_PORTID = bytesOf('portid');
const K_PROGNAME = bytesOf('progname');
const F_ASSURED = bytesOf('[ASSURED]');
const F_UNREPLIED = bytesOf('[UNREPLIED]');
const E_NEW = bytesOf('[NEW]');
const E_UPDATE = bytesOf('[UPDATE]');
const E_DESTROY = bytesOf('[DESTROY]');
const PROTO_NAMES = new Map([6, 17, 33, 132, 136].map((n) => [n, bytesOf(protocolName(n))]));

/** Whether b[i, end) is exactly `key`. */
function is(b: Uint8Array, i: number, end: number, key: Uint8Array): boolean {
  if (end - i !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (b[i + k] !== key[k]) return false;
  return true;
}

/** The next space (or the end) at or after i. */
function tokenEnd(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] !== SP) i++;
  return i;
}

/** State names seen so far: a state is matched in place, not decoded from every line. */
const knownStates: Array<{ bytes: Uint8Array; name: string }> = [];

function stateAt(b: Uint8Array, i: number, end: number): string {
  for (const s of knownStates) if (is(b, i, end, s.bytes)) return s.name;
  const name = String.fromCharCode(...b.subarray(i, end));
  if (knownStates.length < 64) knownStates.push({ bytes: Uint8Array.from(b.subarray(i, end)), name });
  return name;
}

/** Digits b[i, end) as a number, or -1. */
function digits(b: Uint8Array, i: number, end: number): number {
  if (i >= end || end - i > 15) return -1;
  let n = 0;
  for (; i < end; i++) {
    const c = (b[i] as number) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** A dotted quad b[i, end) as a uint32, or -1. */
function ipv4(b: Uint8Array, i: number, end: number): number {
  let n = 0;
  let octet = 0;
  let nd = 0;
  let dots = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++nd > 3 || octet > 255) return -1;
    } else if (c === 46 && nd > 0 && dots < 3) {
      n = n * 256 + octet;
      octet = 0;
      nd = 0;
      dots++;
    } else return -1;
  }
  if (dots !== 3 || nd === 0) return -1;
  return n * 256 + octet;
}

/**
 * Reads the common flow line b[start, end) (no newline) into `out`; false
 * when the line is not of that shape (decode it and use parseFlowLine).
 */
export function scanFlowBytes(b: Uint8Array, start: number, end: number, out: FlowScan): boolean {
  const n = end;
  let i = start;
  while (i < n && b[i] === SP) i++;
  out.type = null;
  let e: number;
  if (b[i] === LB) {
    e = tokenEnd(b, i, n);
    if (is(b, i, e, E_NEW)) out.type = 'new';
    else if (is(b, i, e, E_UPDATE)) out.type = 'update';
    else if (is(b, i, e, E_DESTROY)) out.type = 'destroy';
    else return false;
    i = e;
    if (b[i] !== SP) return false;
    while (i < n && b[i] === SP) i++;
  }
  // Protocol name and number.
  const nameStart = i;
  const nameEnd = tokenEnd(b, i, n);
  i = nameEnd;
  while (i < n && b[i] === SP) i++;
  e = tokenEnd(b, i, n);
  const protonum = digits(b, i, e);
  const name = PROTO_NAMES.get(protonum);
  if (name === undefined || !is(b, nameStart, nameEnd, name)) return false;
  out.protonum = protonum;
  i = e + 1;
  // Timeout, then state (both optional).
  out.timeout = -1;
  out.state = null;
  e = tokenEnd(b, i, n);
  let c = b[i] as number;
  if (c >= 48 && c <= 57) {
    out.timeout = digits(b, i, e);
    if (out.timeout < 0) return false;
    i = e + 1;
    e = tokenEnd(b, i, n);
    c = b[i] as number;
  }
  if (c >= 65 && c <= 90) {
    for (let k = i; k < e; k++) {
      const d = b[k] as number;
      if (!((d >= 65 && d <= 90) || d === 95)) return false;
    }
    out.state = stateAt(b, i, e);
    i = e + 1;
  }
  out.hasCounters = false;
  out.origPackets = 0;
  out.origBytes = 0;
  out.replyPackets = 0;
  out.replyBytes = 0;
  out.assured = false;
  out.unreplied = false;
  out.mark = 0;
  out.use = -1;
  out.id = -1;
  out.age = -1;
  // Tuples: src dst sport dport, in that order, twice; packets/bytes may follow each.
  let tuple = -1;
  /** How many of src, dst, sport, dport the current tuple has read. */
  let field = 4;
  while (i < n) {
    c = b[i] as number;
    if (c === SP) {
      i++;
      continue;
    }
    e = tokenEnd(b, i, n);
    if (c === LB) {
      if (b[e - 1] !== RB) return false;
      if (is(b, i, e, F_ASSURED)) out.assured = true;
      else if (is(b, i, e, F_UNREPLIED)) out.unreplied = true;
      i = e;
      continue;
    }
    let eq = i;
    while (eq < e && b[eq] !== EQ) eq++;
    if (eq >= e) return false;
    const v = eq + 1;
    if (field < 4) {
      // Inside a tuple: the next of dst, sport, dport.
      if (field === 1) {
        if (!is(b, i, eq, K_DST)) return false;
        const a = ipv4(b, v, e);
        if (a < 0) return false;
        out.addr[2 * tuple + 1] = a;
      } else {
        if (!is(b, i, eq, field === 2 ? K_SPORT : K_DPORT)) return false;
        const p = digits(b, v, e);
        if (p < 0 || p > 65535) return false;
        out.port[2 * tuple + field - 2] = p;
      }
      field++;
      i = e;
      continue;
    }
    if (is(b, i, eq, K_SRC)) {
      if (tuple >= 1) return false;
      tuple++;
      const a = ipv4(b, v, e);
      if (a < 0) return false;
      out.addr[2 * tuple] = a;
      field = 1;
      i = e;
      continue;
    }
    if (tuple === 1 && (is(b, i, eq, K_PORTID) || is(b, i, eq, K_PROGNAME))) {
      i = e;
      continue;
    }
    const num = digits(b, v, e);
    if (num < 0) return false;
    const packets = is(b, i, eq, K_PACKETS);
    if (packets || is(b, i, eq, K_BYTES)) {
      if (tuple < 0) return false;
      out.hasCounters = true;
      if (tuple === 0) {
        if (packets) out.origPackets = num;
        else out.origBytes = num;
      } else if (packets) out.replyPackets = num;
      else out.replyBytes = num;
    } else if (tuple < 1) return false;
    else if (is(b, i, eq, K_ID)) out.id = num;
    else if (is(b, i, eq, K_MARK)) out.mark = num;
    else if (is(b, i, eq, K_USE)) out.use = num;
    else if (is(b, i, eq, K_DELTA)) out.age = num;
    else return false;
    i = e;
  }
  return tuple === 1 && field === 4 && out.id >= 0;
}

const lineBytes = Buffer.alloc(4096);

/** scanFlowBytes for a line as a string. */
export function scanFlowLine(line: string, out: FlowScan): boolean {
  if (line.length > lineBytes.length) return false;
  const n = lineBytes.write(line, 'latin1');
  return scanFlowBytes(lineBytes, 0, n, out);
}

/**
 * Splits raw output into lines without making a string of each: `onLine`
 * gets the buffer and the line's bounds (newline excluded). A line split
 * across chunks is joined first.
 */
export class ByteLines {
  private rest: Buffer | null = null;
  constructor(private readonly onLine: (b: Buffer, start: number, end: number) => void) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.rest) {
      buf = Buffer.concat([this.rest, chunk]);
      this.rest = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      this.onLine(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.rest = Buffer.from(buf.subarray(start));
  }

  /** The last line, when the output did not end with a newline. */
  end(): void {
    const rest = this.rest;
    this.rest = null;
    if (rest && rest.length > 0) this.onLine(rest, 0, rest.length);
  }
}

/** The scanned line as parseFlowLine returns it. */
export function flowOfScan(s: FlowScan): Flow {
  const a = s.addr;
  const p = s.port;
  return {
    id: String(s.id),
    protocol: protocolName(s.protonum),
    protonum: s.protonum,
    state: s.state,
    timeout: s.timeout < 0 ? null : s.timeout,
    original: {
      src: intToIpv4(a[0] as number),
      dst: intToIpv4(a[1] as number),
      sport: p[0] as number,
      dport: p[1] as number,
    },
    reply: {
      src: intToIpv4(a[2] as number),
      dst: intToIpv4(a[3] as number),
      sport: p[2] as number,
      dport: p[3] as number,
    },
    mark: s.mark,
    helper: null,
    assured: s.assured,
    unreplied: s.unreplied,
    zone: null,
    use: s.use < 0 ? null : s.use,
    counters: s.hasCounters
      ? { origPackets: s.origPackets, origBytes: s.origBytes, replyPackets: s.replyPackets, replyBytes: s.replyBytes }
      : null,
    age: s.age < 0 ? null : s.age,
  };
}
