/**
 * Parsers for conntrack-tools' text output (`conntrack -L -o id`, `-E -o id`,
 * and the `expect` variants). We read the text format rather than `-o xml`:
 * it carries the same fields (with `-o id`, the kernel's flow id too), it is
 * about a third of the size, so conntrack spends less time printing 100,000
 * flows and we less time reading them, and it is one flow per line, which
 * makes streaming trivial.
 *
 * The format is positional: the first `src=` opens the original tuple, the
 * second the reply tuple. `id=` is a tuple field for ICMP and the flow id
 * otherwise, so a tuple takes each key at most once and a repeated `id=` is
 * the flow id (the kernel prints `... code=0 id=55 mark=0 id=736091619`).
 */

export type EventType = 'new' | 'update' | 'destroy';

export interface Tuple {
  src: string;
  dst: string;
  sport: number | null;
  dport: number | null;
  /** ICMP type, code and echo id. */
  icmp?: { type: number; code: number; id: number };
}

export interface Flow {
  /** The kernel's conntrack id, or `t:` + the original tuple when the kernel gave none. */
  id: string;
  protocol: string;
  protonum: number;
  state: string | null;
  /** Seconds left when the line was read. */
  timeout: number | null;
  original: Tuple;
  reply: Tuple;
  mark: number;
  helper: string | null;
  assured: boolean;
  unreplied: boolean;
  zone: number | null;
  use: number | null;
  /**
   * Packets and bytes each way (`packets=`/`bytes=` after each tuple), printed
   * only with net.netfilter.nf_conntrack_acct on; null when the line has none
   * (event lines other than DESTROY never carry them).
   */
  counters: FlowCounters | null;
  /** Seconds since the flow began (`delta-time=`, printed with nf_conntrack_timestamp on), null without. */
  age: number | null;
}

export interface FlowCounters {
  origPackets: number;
  origBytes: number;
  replyPackets: number;
  replyBytes: number;
}

export interface Expectation {
  /** `e:` + the expected tuple (the kernel gives expectations no id). */
  id: string;
  protonum: number;
  protocol: string;
  timeout: number | null;
  expected: Tuple;
  mask: Tuple;
  master: Tuple;
  helper: string | null;
  class: number | null;
  flags: string[];
}

const PROTO_NAMES: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  33: 'dccp',
  58: 'icmpv6',
  132: 'sctp',
  136: 'udplite',
  47: 'gre',
};

export function protocolName(protonum: number): string {
  return PROTO_NAMES[protonum] ?? String(protonum);
}

const EVENT_RE = /^\s*\[(NEW|UPDATE|DESTROY)\]\s+/;

function emptyTuple(): Tuple {
  return { src: '', dst: '', sport: null, dport: null };
}

export function tupleKey(protonum: number, t: Tuple): string {
  return t.icmp
    ? `${protonum}|${t.src}|${t.dst}|${t.icmp.type}|${t.icmp.code}|${t.icmp.id}`
    : `${protonum}|${t.src}|${t.dst}|${t.sport ?? ''}|${t.dport ?? ''}`;
}

/** Splits off the `[NEW]` / `[UPDATE]` / `[DESTROY]` prefix of an event line. */
function eventPrefix(line: string): { type: EventType | null; rest: string } {
  const m = EVENT_RE.exec(line);
  if (!m) return { type: null, rest: line };
  return { type: (m[1] as string).toLowerCase() as EventType, rest: line.slice(m[0].length) };
}

/** One flow line (list or event). Returns null for summary and warning lines. */
export function parseFlowLine(line: string): { type: EventType | null; flow: Flow } | null {
  const { type, rest } = eventPrefix(line);
  const tokens = rest.trim().split(/\s+/);
  let i = 0;
  // `-o extended` prefixes "ipv4 2"; skip the layer-3 name and number.
  if (tokens[0] === 'ipv4' || tokens[0] === 'ipv6') i += 2;
  const protocol = tokens[i++];
  const protonum = Number(tokens[i++]);
  if (!protocol || !Number.isInteger(protonum) || protocol.includes('=')) return null;
  let timeout: number | null = null;
  if (tokens[i] !== undefined && /^\d+$/.test(tokens[i] as string)) timeout = Number(tokens[i++]);
  let state: string | null = null;
  if (tokens[i] !== undefined && /^[A-Z_]+$/.test(tokens[i] as string)) state = tokens[i++] as string;

  const isIcmp = protonum === 1 || protonum === 58;
  const tuples: Tuple[] = [];
  let current: Tuple | undefined;
  let seen = new Set<string>();
  let inTuples = true;
  const flow: Flow = {
    id: '',
    protocol,
    protonum,
    state,
    timeout,
    original: emptyTuple(),
    reply: emptyTuple(),
    mark: 0,
    helper: null,
    assured: false,
    unreplied: false,
    zone: null,
    use: null,
    counters: null,
    age: null,
  };
  let kernelId: string | null = null;
  for (; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    if (tok.startsWith('[')) {
      if (tok === '[ASSURED]') flow.assured = true;
      else if (tok === '[UNREPLIED]') flow.unreplied = true;
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq < 0) continue;
    const key = tok.slice(0, eq);
    const value = tok.slice(eq + 1);
    if (key === 'src' && inTuples && tuples.length < 2) {
      current = emptyTuple();
      tuples.push(current);
      seen = new Set();
    }
    const tupleKeyName =
      key === 'src' ||
      key === 'dst' ||
      key === 'sport' ||
      key === 'dport' ||
      (isIcmp && (key === 'type' || key === 'code' || key === 'id'));
    if (inTuples && current && tupleKeyName && !seen.has(key)) {
      seen.add(key);
      if (key === 'src') current.src = value;
      else if (key === 'dst') current.dst = value;
      else if (key === 'sport') current.sport = Number(value);
      else if (key === 'dport') current.dport = Number(value);
      else {
        current.icmp ??= { type: 0, code: 0, id: 0 };
        current.icmp[key as 'type' | 'code' | 'id'] = Number(value);
      }
      continue;
    }
    if (key === 'packets' || key === 'bytes') {
      // Accounting follows each tuple: the first pair is the original direction's.
      flow.counters ??= { origPackets: 0, origBytes: 0, replyPackets: 0, replyBytes: 0 };
      const c = flow.counters;
      const n = Number(value);
      if (tuples.length <= 1) c[key === 'packets' ? 'origPackets' : 'origBytes'] = n;
      else c[key === 'packets' ? 'replyPackets' : 'replyBytes'] = n;
      continue;
    }
    if (tuples.length >= 2) inTuples = false;
    switch (key) {
      case 'id':
        kernelId = value;
        break;
      case 'mark':
        flow.mark = Number(value);
        break;
      case 'helper':
        flow.helper = value;
        break;
      case 'use':
        flow.use = Number(value);
        break;
      case 'zone':
        flow.zone = Number(value);
        break;
      case 'delta-time':
        flow.age = Number(value);
        break;
      default:
        break;
    }
  }
  const [orig, reply] = tuples;
  if (!orig || !reply) return null;
  flow.original = orig;
  flow.reply = reply;
  flow.id = kernelId ?? `t:${tupleKey(protonum, orig)}`;
  return { type, flow };
}

/**
 * One expectation line: `[NEW] 300 proto=6 src= dst= sport= dport=
 * mask-src= mask-dst= sport= dport= master-src= master-dst= sport= dport=
 * class=0 helper=ftp`. The bare sport/dport belong to the tuple opened last.
 */
export function parseExpectationLine(line: string): { type: EventType | null; expectation: Expectation } | null {
  const { type, rest } = eventPrefix(line);
  const tokens = rest.trim().split(/\s+/);
  let i = 0;
  let timeout: number | null = null;
  if (tokens[i] !== undefined && /^\d+$/.test(tokens[i] as string)) timeout = Number(tokens[i++]);
  const protoTok = tokens[i];
  if (!protoTok?.startsWith('proto=')) return null;
  const protonum = Number(protoTok.slice(6));
  i++;
  const expected = emptyTuple();
  const mask = emptyTuple();
  const master = emptyTuple();
  let current: Tuple = expected;
  const exp: Expectation = {
    id: '',
    protonum,
    protocol: protocolName(protonum),
    timeout,
    expected,
    mask,
    master,
    helper: null,
    class: null,
    flags: [],
  };
  for (; i < tokens.length; i++) {
    const tok = tokens[i] as string;
    const eq = tok.indexOf('=');
    if (eq < 0) {
      exp.flags.push(tok.replace(/^\[|\]$/g, ''));
      continue;
    }
    const key = tok.slice(0, eq);
    const value = tok.slice(eq + 1);
    switch (key) {
      case 'src':
        current = expected;
        expected.src = value;
        break;
      case 'dst':
        current.dst = value;
        break;
      case 'mask-src':
        current = mask;
        mask.src = value;
        break;
      case 'mask-dst':
        mask.dst = value;
        break;
      case 'master-src':
        current = master;
        master.src = value;
        break;
      case 'master-dst':
        master.dst = value;
        break;
      case 'sport':
        current.sport = Number(value);
        break;
      case 'dport':
        current.dport = Number(value);
        break;
      case 'class':
        exp.class = Number(value);
        break;
      case 'helper':
        exp.helper = value;
        break;
      default:
        break;
    }
  }
  if (!expected.src || !master.src) return null;
  exp.id = `e:${tupleKey(protonum, expected)}`;
  return { type, expectation: exp };
}

/** A dotted-quad IPv4 address as a number (null for anything else); a character loop: it runs for every address of a dump. */
export function ipv4ToInt(addr: string): number | null {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return null;
    } else if (c === 46 && digits > 0 && dots < 3) {
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else return null;
  }
  if (dots !== 3 || digits === 0) return null;
  return n * 256 + octet;
}

/**
 * The text of recently formatted addresses, direct-mapped by a hash of the
 * number: a gateway's flows share few addresses (its own on every flow), and
 * a flow event or a page row formats four. Building the text each time was
 * about a fifth of what a flow event allocates (bench 15.2c: fewer young
 * collections in a burst of 50,000 new flows a second).
 */
const IP_TEXT_SLOTS = 4096;
const ipTextKey = new Float64Array(IP_TEXT_SLOTS).fill(-1);
const ipText: string[] = new Array<string>(IP_TEXT_SLOTS).fill('');

export function intToIpv4(n: number): string {
  const u = n >>> 0;
  const slot = Math.imul(u, 0x9e3779b1) >>> 20;
  if (ipTextKey[slot] === u) return ipText[slot] as string;
  const text = `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
  ipTextKey[slot] = u;
  ipText[slot] = text;
  return text;
}

/** Whether a flow's original tuple is the connection an expectation waits for (addresses under the mask). */
export function matchesExpectation(flow: Flow, exp: Expectation): boolean {
  if (flow.protonum !== exp.protonum) return false;
  const o = flow.original;
  const masked = (a: string, b: string, m: string): boolean => {
    const [x, y, k] = [ipv4ToInt(a), ipv4ToInt(b), ipv4ToInt(m)];
    if (x === null || y === null || k === null) return a === b;
    return (x & k) >>> 0 === (y & k) >>> 0;
  };
  if (!masked(o.src, exp.expected.src, exp.mask.src || '255.255.255.255')) return false;
  if (!masked(o.dst, exp.expected.dst, exp.mask.dst || '255.255.255.255')) return false;
  const portOk = (actual: number | null, want: number | null, m: number | null) =>
    m === 0 || m === null || ((actual ?? 0) & m) === ((want ?? 0) & m);
  return portOk(o.sport, exp.expected.sport, exp.mask.sport) && portOk(o.dport, exp.expected.dport, exp.mask.dport);
}

/** Numeric sort key of an address: IPv4 in order, IPv6 after every IPv4 address. */
export function addressSortKey(addr: string): number {
  const n = ipv4ToInt(addr);
  return n ?? 2 ** 32;
}

/** ENOBUFS: the kernel dropped events because we did not read fast enough. */
export function isEnobufsWarning(line: string): boolean {
  return /ENOBUFS/.test(line);
}
