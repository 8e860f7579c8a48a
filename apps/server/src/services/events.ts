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
 * A window's flow changes are written as the bytes of their message as they
 * come (flow-window.ts), and sent as those bytes: at 50,000 events a
 * second, row objects held for the window and a 0.8 MB string a message
 * cost the collections that held the event loop (bench 15.2c).
 */
import type { TextBytes } from '../lib/text-bytes.js';
import type { ExpectationRow, FlowRow } from '../schemas/conntrack.js';
import { type ChangeType, FlowWindow, flowKey, WindowBuffers } from './flow-window.js';

export type GatewayEventName = 'apply' | 'confirm' | 'rollback' | 'drift' | 'resync' | 'conntrack' | 'pair';

export interface HubMessage {
  event: string;
  data: unknown;
  /**
   * For a message whose body (messageBody) is a buffer the hub reuses: a
   * subscriber that writes the body holds it first, and calls the returned
   * release once the write is done (or failed). The buffer is reused only
   * when every subscriber has held and released it.
   */
  hold?(): () => void;
}

export type Subscriber = (msg: HubMessage) => void;

const bodies = new WeakMap<HubMessage, string | Buffer>();

/**
 * A message's data as JSON, made once for every subscriber that sends it
 * (a batch of 2,000 flow rows: ~0.8 MB); a `flows` message's is bytes.
 */
export function messageBody(msg: HubMessage): string | Buffer {
  let body = bodies.get(msg);
  if (body === undefined) {
    body = JSON.stringify(msg.data);
    bodies.set(msg, body);
  }
  return body;
}

type Change<T> = { type: ChangeType; row: T };

/**
 * A message whose data is JSON already: subscribers send it as it is
 * (messageBody); `data` is parsed from it when read (in-process
 * subscribers, tests). `reuse` is called once every one of the `sentTo`
 * subscribers has held and released it (HubMessage.hold).
 */
function jsonMessage(event: string, json: Buffer, reuse: () => void): HubMessage & { sentTo(n: number): void } {
  let data: unknown;
  let holders = 0;
  let released = 0;
  let subscribers = -1;
  const settle = () => {
    if (subscribers > 0 && holders === subscribers && released === holders) reuse();
  };
  const msg = {
    event,
    get data() {
      data ??= JSON.parse(json.toString('utf8'));
      return data;
    },
    hold() {
      holders++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        released++;
        settle();
      };
    },
    sentTo(n: number) {
      subscribers = n;
      settle();
    },
  };
  bodies.set(msg, json);
  return msg;
}

export class EventHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly buffers = new WindowBuffers();
  private flows = new FlowWindow(this.buffers);
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
    const out = this.beginFlow(type, flowKey(row.id));
    if (!out) return;
    out.text(JSON.stringify(row));
    this.endFlow();
  }

  /**
   * Starts a flow change whose row the caller writes as JSON into the
   * returned bytes (ConntrackTable.writeRowJson), then calls endFlow();
   * null when nobody listens or the window has overflowed. `key`: the
   * flow's id, a kernel id as a number.
   */
  beginFlow(type: ChangeType, key: string | number): TextBytes | null {
    if (this.subscribers.size === 0) return null;
    const out = this.flows.begin(type, key, this.flows.size + this.expBatch.length >= this.maxBatch);
    if (!out) {
      this.overflowed++;
      this.schedule();
    }
    return out;
  }

  endFlow(): void {
    this.flows.end();
    this.schedule();
  }

  expectation(type: Change<ExpectationRow>['type'], row: ExpectationRow): void {
    if (this.subscribers.size === 0) return;
    if (this.flows.size + this.expBatch.length >= this.maxBatch) this.overflowed++;
    else this.expBatch.push({ type, row });
    this.schedule();
  }

  private schedule(): void {
    if (this.overflowed === 0 && this.flows.size + this.expBatch.length >= this.flushAt) this.flush();
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
      if (this.flows.size > 0) {
        const { body, buffer } = this.flows.take();
        const msg = jsonMessage('flows', body, () => this.buffers.put(buffer));
        this.send(msg);
        msg.sentTo(this.subscribers.size);
      }
      if (this.expBatch.length > 0) this.send({ event: 'expectations', data: { events: this.expBatch } });
    }
    // An overflowed window's changes are dropped: the resync stands for them.
    if (this.flows.size > 0) this.flows = new FlowWindow(this.buffers);
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
