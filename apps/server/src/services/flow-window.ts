/**
 * The flow changes of one event-hub window (services/events.ts), written as
 * the bytes of the `flows` message they become: `{"events":[{"type":..,
 * "row":..},..]}`. A row comes written from the flow index
 * (ConntrackTable.writeRowJson) or as JSON.stringify of a row object; the
 * message is sent as these bytes, with no string made of it.
 *
 * At 50,000 events a second (bench 15.2c), row objects held for a window
 * outlived young collections and were promoted, and a window's JSON was a
 * 0.8 MB string, copied once more into bytes for each subscriber's socket.
 *
 * The buffers are reused (WindowBuffers): a message's is given back once
 * every subscriber has written it (HubMessage.hold). A new 0.8 MB buffer a
 * window, 20 MB a second outside the heap, made V8 collect the whole heap
 * ~4 times a second, each a pause of 6-35 ms on a busy box.
 *
 * An update of a flow already in the window replaces its change (keeping
 * the change's type: a flow new in this window stays new): the old bytes are
 * left where they are, marked dead, and the new ones go at the end; a
 * window with dead changes is copied without them when it is sent.
 */
import { TextBytes, textBytes } from '../lib/text-bytes.js';

export type ChangeType = 'new' | 'update' | 'destroy';

const HEAD = textBytes('{"events":[');
const TAIL = textBytes(']}');
const CHANGE_HEAD: Record<ChangeType, Uint8Array> = {
  new: textBytes('{"type":"new","row":'),
  update: textBytes('{"type":"update","row":'),
  destroy: textBytes('{"type":"destroy","row":'),
};
const COMMA = 44;
const CLOSE = 125;
/** A window's buffer to start with (a full window of 2,000 rows is ~0.8 MB; it grows by doubling). */
const FIRST_SIZE = 64 * 1024;

/** A flow's key in a window: a kernel id as a number (what a scanned event has), any other id as it is. */
export function flowKey(id: string): string | number {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** Window buffers given back after their message was written, for the next windows. */
export class WindowBuffers {
  private readonly free: Buffer[] = [];

  get(size: number): Buffer {
    const b = this.free.pop();
    return b && b.length >= size ? b : Buffer.allocUnsafe(Math.max(FIRST_SIZE, size));
  }

  put(b: Buffer): void {
    if (this.free.length < 4) this.free.push(b);
  }
}

export class FlowWindow {
  private out: TextBytes;
  private types: ChangeType[] = [];
  /** Where each change's bytes start and end (-1: replaced by a later one). */
  private starts: number[] = [];
  private ends: number[] = [];
  private readonly index = new Map<string | number, number>();
  private dead = 0;

  constructor(private readonly buffers = new WindowBuffers()) {
    this.out = this.fresh(FIRST_SIZE);
  }

  private fresh(size: number): TextBytes {
    const out = new TextBytes(size, this.buffers.get(size));
    out.put(HEAD);
    return out;
  }

  /** Changes that will be sent. */
  get size(): number {
    return this.types.length - this.dead;
  }

  /**
   * Starts a change; returns where its row is to be written, then end().
   * An update of a flow the window has (not destroyed) replaces that change;
   * any other change is added, unless the window is `full` (null).
   */
  begin(type: ChangeType, key: string | number, full: boolean): TextBytes | null {
    const at = this.index.get(key);
    let t = type;
    if (type === 'update' && at !== undefined && this.types[at] !== 'destroy') {
      t = this.types[at] as ChangeType;
      this.starts[at] = -1;
      this.dead++;
    } else if (full) return null;
    const out = this.out;
    if (this.types.length > 0) out.byte(COMMA);
    this.index.set(key, this.types.length);
    this.types.push(t);
    this.starts.push(out.pos);
    out.put(CHANGE_HEAD[t]);
    return out;
  }

  /** Ends the change begin() started, once its row is written. */
  end(): void {
    this.out.byte(CLOSE);
    this.ends.push(this.out.pos);
  }

  /**
   * The `flows` message's JSON (`body`, in `buffer`: give it to
   * WindowBuffers.put once it is written), and a new window begun.
   */
  take(): { body: Buffer; buffer: Buffer } {
    const out = this.out;
    let result: { body: Buffer; buffer: Buffer };
    if (this.dead === 0) {
      out.put(TAIL);
      result = { body: out.buf.subarray(0, out.pos), buffer: out.buf };
    } else {
      const live = new TextBytes(out.pos, this.buffers.get(out.pos));
      live.put(HEAD);
      let first = true;
      for (let i = 0; i < this.types.length; i++) {
        const start = this.starts[i] as number;
        if (start < 0) continue;
        if (!first) live.byte(COMMA);
        first = false;
        live.put(out.buf.subarray(start, this.ends[i]));
      }
      live.put(TAIL);
      result = { body: live.buf.subarray(0, live.pos), buffer: live.buf };
      // Copied out: this window's own buffer is free for the next.
      this.buffers.put(out.buf);
    }
    this.out = this.fresh(out.pos);
    this.types = [];
    this.starts = [];
    this.ends = [];
    this.index.clear();
    this.dead = 0;
    return result;
  }
}
