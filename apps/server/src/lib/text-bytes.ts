/**
 * JSON text written as UTF-8 bytes into a growing buffer, with no string
 * made on the way: numbers digit by digit, fixed pieces copied from bytes
 * encoded once. For the flow events of a burst (50,000 a second, bench
 * 15.2c): the event hub writes a window's `flows` message into one of these
 * (services/events.ts), each row straight from the flow index
 * (conntrack/table/row-json.ts), and sends the bytes as they are.
 */

/** Bytes of text written often (names as JSON, a forward's fields), by the text: made once each. */
const encoded = new Map<string, Uint8Array>();
const quoted = new Map<string, Uint8Array>();

function cached(map: Map<string, Uint8Array>, key: string, asJson: boolean): Uint8Array {
  let b = map.get(key);
  if (b === undefined) {
    b = Buffer.from(asJson ? JSON.stringify(key) : key, 'utf8');
    if (map.size < 1024) map.set(key, b);
  }
  return b;
}

/** UTF-8 bytes of a fixed piece of text. */
export const textBytes = (t: string): Uint8Array => Buffer.from(t, 'utf8');

const NULL = textBytes('null');

export class TextBytes {
  buf: Buffer;
  pos = 0;

  /** Writes into `buf` (one to reuse), else into a new buffer of `size` bytes. */
  constructor(size = 64 * 1024, buf?: Buffer) {
    this.buf = buf ?? Buffer.allocUnsafe(size);
  }

  /** Makes room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  /** Bytes as they are (a fixed piece: textBytes). */
  put(b: Uint8Array): void {
    this.room(b.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i] as number;
    this.pos = p;
  }

  /** Text that comes back often (one of a few), as it is. */
  raw(t: string): void {
    this.put(cached(encoded, t, false));
  }

  /** Text as it is, seen once (not kept). */
  text(t: string): void {
    this.room(3 * t.length);
    this.pos += this.buf.write(t, this.pos, 'utf8');
  }

  /** A name (one of a few) as a JSON string, or null. */
  name(s: string | null): void {
    this.put(s === null ? NULL : cached(quoted, s, true));
  }

  /** A string as JSON: digits as they are (a kernel flow id), anything else through JSON.stringify. */
  id(s: string): void {
    for (let i = 0; i < s.length; i++) {
      const ch = s.charCodeAt(i);
      if (ch < 48 || ch > 57) {
        this.text(JSON.stringify(s));
        return;
      }
    }
    this.room(s.length + 2);
    const buf = this.buf;
    buf[this.pos++] = 34;
    for (let i = 0; i < s.length; i++) buf[this.pos++] = s.charCodeAt(i);
    buf[this.pos++] = 34;
  }

  /** A number as JSON.stringify writes it: digits for a safe integer >= 0, else its text. */
  num(n: number): void {
    if (!(n >= 0 && Number.isSafeInteger(n))) {
      this.text(JSON.stringify(n));
      return;
    }
    this.room(16);
    const buf = this.buf;
    const start = this.pos;
    let p = start;
    do {
      buf[p++] = 48 + (n % 10);
      n = Math.floor(n / 10);
    } while (n > 0);
    this.pos = p;
    for (let i = start, j = p - 1; i < j; i++, j--) {
      const t = buf[i] as number;
      buf[i] = buf[j] as number;
      buf[j] = t;
    }
  }

  numOrNull(n: number | null): void {
    if (n === null) this.put(NULL);
    else this.num(n);
  }

  /** A uint32 IPv4 address as a JSON string ("a.b.c.d"). */
  ipv4(u: number): void {
    this.byte(34);
    this.num(u >>> 24);
    this.byte(46);
    this.num((u >>> 16) & 255);
    this.byte(46);
    this.num((u >>> 8) & 255);
    this.byte(46);
    this.num(u & 255);
    this.byte(34);
  }
}
