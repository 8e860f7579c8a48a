/**
 * The event hub behind `GET /api/v1/events` (Server-Sent Events).
 *
 * Flow and expectation events can arrive by the thousand per second on a
 * busy gateway; a browser cannot draw that. They are collected for a short
 * window and sent as one message per kind; consecutive updates of the same
 * flow inside a window collapse into one. A window that reaches `flushAt`
 * events is sent at once. A window that overflows (`maxBatch`, reachable
 * only when it is below `flushAt`) is not sent piecemeal: subscribers get a
 * `resync` message telling them to reload the table instead. Gateway events (apply, rollback, drift) are sent at once.
 *
 * A window's flow rows are held as JSON text, one string a row (most come
 * written already: ConntrackTable.rowJsonAt), and a `flows` message is
 * their text joined once: at 50,000 events a second, row objects held for
 * the window outlived young collections and were promoted (bench 15.2c).
 */
import type { ExpectationRow, FlowRow } from '../schemas/conntrack.js';

export type GatewayEventName = 'apply' | 'confirm' | 'rollback' | 'drift' | 'resync' | 'conntrack' | 'pair';

export interface HubMessage {
  event: string;
  data: unknown;
}

export type Subscriber = (msg: HubMessage) => void;

const texts = new WeakMap<HubMessage, string>();

/**
 * A message's data as JSON, made once for every subscriber that sends it
 * as text (a batch of 2,000 flow rows: ~0.8 MB, 2.5 ms on an idle box).
 */
export function messageJson(msg: HubMessage): string {
  let text = texts.get(msg);
  if (text === undefined) {
    text = JSON.stringify(msg.data);
    texts.set(msg, text);
  }
  return text;
}

type Change<T> = { type: 'new' | 'update' | 'destroy'; row: T };
type ChangeType = Change<unknown>['type'];

/**
 * A message whose data is JSON text already: subscribers that send text get
 * it as it is (messageJson); `data` is parsed from it when read (in-process
 * subscribers, tests).
 */
function textMessage(event: string, json: string): HubMessage {
  let data: unknown;
  const msg: HubMessage = {
    event,
    get data() {
      data ??= JSON.parse(json);
      return data;
    },
  };
  texts.set(msg, json);
  return msg;
}

/** The text of a change before its row's, by its type. */
const CHANGE_HEAD: Record<ChangeType, string> = {
  new: '{"type":"new","row":',
  update: '{"type":"update","row":',
  destroy: '{"type":"destroy","row":',
};

/** A flow's key in a window: a kernel id as a number (what rowJsonAt's callers have), any other id as it is. */
function flowKey(id: string): string | number {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  /** The window's flow changes: each one's type and its row as JSON. */
  private flowTypes: ChangeType[] = [];
  private flowRows: string[] = [];
  private readonly flowIndex = new Map<string | number, number>();
  private expBatch: Array<Change<ExpectationRow>> = [];
  private overflowed = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchMs: number;
  private readonly maxBatch: number;
  private readonly flushAt: number;

  constructor(options: { batchMs: number; maxBatch?: number; flushAt?: number }) {
    this.batchMs = options.batchMs;
    // 10,000 per window: a burst of 10,000 new flows a second (goal 5 of issue #5)
    // fits a 250 ms window four times over; beyond that a reload is cheaper.
    this.maxBatch = options.maxBatch ?? 10_000;
    // A window that fills up is sent at once rather than held: catching up
    // after a stall then costs larger messages, not a reload.
    this.flushAt = options.flushAt ?? 2000;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  subscribe(fn: Subscriber): () => void {
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }

  private send(msg: HubMessage): void {
    for (const s of this.subscribers) {
      try {
        s(msg);
      } catch {
        this.subscribers.delete(s);
      }
    }
  }

  /** Sent at once. */
  publish(event: GatewayEventName, data: unknown): void {
    this.send({ event, data });
  }

  flow(type: ChangeType, row: FlowRow): void {
    if (this.subscribers.size === 0) return;
    this.flowJson(type, flowKey(row.id), JSON.stringify(row));
  }

  /**
   * A flow change whose row is JSON text already (ConntrackTable.rowJsonAt);
   * `key`: the flow's id, a kernel id as a number.
   */
  flowJson(type: ChangeType, key: string | number, rowJson: string): void {
    if (this.subscribers.size === 0) return;
    const at = this.flowIndex.get(key);
    if (type === 'update' && at !== undefined && this.flowTypes[at] !== 'destroy') {
      this.flowRows[at] = rowJson;
      return;
    }
    if (this.flowRows.length + this.expBatch.length >= this.maxBatch) {
      this.overflowed++;
    } else {
      this.flowIndex.set(key, this.flowRows.length);
      this.flowTypes.push(type);
      this.flowRows.push(rowJson);
    }
    this.schedule();
  }

  /** The window's flow changes as one `flows` message's JSON: `{"events":[{"type":..,"row":..},..]}`. */
  private flowsJson(): string {
    const pieces: string[] = ['{"events":['];
    for (let i = 0; i < this.flowRows.length; i++)
      pieces.push(i === 0 ? '' : ',', CHANGE_HEAD[this.flowTypes[i] as ChangeType], this.flowRows[i] as string, '}');
    pieces.push(']}');
    return pieces.join('');
  }

  expectation(type: Change<ExpectationRow>['type'], row: ExpectationRow): void {
    if (this.subscribers.size === 0) return;
    if (this.flowRows.length + this.expBatch.length >= this.maxBatch) this.overflowed++;
    else this.expBatch.push({ type, row });
    this.schedule();
  }

  private schedule(): void {
    if (this.overflowed === 0 && this.flowRows.length + this.expBatch.length >= this.flushAt) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.overflowed > 0) {
      this.send({
        event: 'resync',
        data: { reason: 'overflow', dropped: this.overflowed, at: new Date().toISOString() },
      });
    } else {
      if (this.flowRows.length > 0) this.send(textMessage('flows', this.flowsJson()));
      if (this.expBatch.length > 0) this.send({ event: 'expectations', data: { events: this.expBatch } });
    }
    this.flowTypes = [];
    this.flowRows = [];
    this.flowIndex.clear();
    this.expBatch = [];
    this.overflowed = 0;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.send({ event: 'bye', data: {} });
    this.subscribers.clear();
  }
}
