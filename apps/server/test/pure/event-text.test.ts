/**
 * The text a flow event is sent as: addresses formatted through the cache
 * of recent ones (parse.ts intToIpv4) and a batch's JSON made once for every
 * subscriber (services/events.ts messageBody), written as bytes
 * (flow-window.ts) with an update of a flow in the window replacing its change.
 */
import { describe, expect, it } from 'vitest';
import { intToIpv4, ipv4ToInt } from '../../src/conntrack/parse.js';
import { EventHub, type HubMessage, messageBody } from '../../src/services/events.js';

const plain = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;

describe('intToIpv4', () => {
  it('formats every address right, also when addresses share a cache slot', () => {
    // 4096 slots: 50,000 spread addresses collide many times over; each is asked for twice.
    const ns = [0, 1, 0xffffffff, 0x7f000001, 0xc0a80101, 0x80000000];
    for (let i = 0; i < 50_000; i++) ns.push(Math.imul(i + 1, 2654435761) >>> 0);
    const wrong: string[] = [];
    for (const n of [...ns, ...ns.slice().reverse()]) {
      const text = intToIpv4(n);
      if (text !== plain(n) || ipv4ToInt(text) !== n) wrong.push(`${n}: ${text}`);
    }
    expect(wrong).toEqual([]);
  });

  it('takes a signed 32-bit number for the same address', () => {
    expect(intToIpv4(-1)).toBe('255.255.255.255');
    expect(intToIpv4(0xc0000201 | 0)).toBe('192.0.2.1');
  });
});

describe('messageBody', () => {
  it('makes a batch its JSON once for every subscriber', async () => {
    const hub = new EventHub({ batchMs: 5 });
    const texts: Array<string | Buffer> = [];
    const got: HubMessage[] = [];
    for (let i = 0; i < 3; i++)
      hub.subscribe((m) => {
        got.push(m);
        texts.push(messageBody(m));
      });
    hub.flow('new', { id: '7', state: 'SYN_SENT' } as never);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toHaveLength(3);
    expect(new Set(got).size).toBe(1);
    expect(String(texts[0])).toBe(JSON.stringify({ events: [{ type: 'new', row: { id: '7', state: 'SYN_SENT' } }] }));
    // The same bytes, not three equal copies.
    expect(texts.every((t) => Object.is(t, texts[0]))).toBe(true);
    hub.close();
  });
});

describe('a window of flow changes', () => {
  const flows = async (steps: Array<['new' | 'update' | 'destroy', string, string]>) => {
    const hub = new EventHub({ batchMs: 5 });
    const got: HubMessage[] = [];
    hub.subscribe((m) => got.push(m));
    for (const [type, id, state] of steps) hub.flow(type, { id, state, name: 'ü "q"' } as never);
    await new Promise((r) => setTimeout(r, 30));
    hub.close();
    const msg = got.find((m) => m.event === 'flows') as HubMessage;
    // The bytes sent are the JSON of the data subscribers read.
    expect(JSON.parse(String(messageBody(msg)))).toEqual(msg.data);
    return (msg.data as { events: Array<{ type: string; row: { id: string; state: string } }> }).events.map(
      (e) => `${e.type} ${e.row.id} ${e.row.state}`,
    );
  };

  it('keeps one change a flow: an update replaces it, a flow new in the window stays new', async () => {
    expect(
      await flows([
        ['new', '1', 'A'],
        ['new', '2', 'A'],
        ['update', '1', 'B'],
        ['update', '1', 'C'],
        ['update', '3', 'A'],
        ['update', '3', 'B'],
      ]),
    ).toEqual(['new 2 A', 'new 1 C', 'update 3 B']);
  });

  it('keeps a destroy and what follows it apart', async () => {
    expect(
      await flows([
        ['new', '1', 'A'],
        ['destroy', '1', 'B'],
        ['update', '1', 'C'],
        ['new', 't:tuple', 'A'],
        ['update', 't:tuple', 'B'],
      ]),
    ).toEqual(['new 1 A', 'destroy 1 B', 'update 1 C', 'new t:tuple B']);
  });

  it('sends a full window at once, and the next one apart', async () => {
    const hub = new EventHub({ batchMs: 1000, flushAt: 3 });
    const got: HubMessage[] = [];
    hub.subscribe((m) => got.push(m));
    for (let i = 0; i < 7; i++) hub.flow('new', { id: String(i) } as never);
    // Replacing a change adds none: the window is not full yet.
    hub.flow('update', { id: '6', x: 1 } as never);
    expect(got.map((m) => (m.data as { events: unknown[] }).events.length)).toEqual([3, 3]);
    hub.flush();
    expect(((got[2] as HubMessage).data as { events: unknown[] }).events).toEqual([
      { type: 'new', row: { id: '6', x: 1 } },
    ]);
    hub.close();
  });
});

describe("a window's buffer", () => {
  const windowOf = async (hub: EventHub, id: string) => {
    hub.flow('new', { id } as never);
    hub.flush();
  };

  it('is reused once every subscriber has written the message, and not before', async () => {
    const hub = new EventHub({ batchMs: 1000 });
    const held: Array<{ msg: HubMessage; release: () => void }> = [];
    for (let i = 0; i < 2; i++) hub.subscribe((msg) => held.push({ msg, release: msg.hold?.() ?? (() => {}) }));
    const body = (k: number) => messageBody((held[k] as { msg: HubMessage }).msg) as Buffer;
    await windowOf(hub, '1');
    // Held by both subscribers: the next window writes elsewhere, and the first message's bytes stay as they were.
    await windowOf(hub, '2');
    expect(body(2).buffer).not.toBe(body(0).buffer);
    expect(JSON.parse(String(body(0))).events[0].row.id).toBe('1');
    held[0]?.release();
    await windowOf(hub, '3');
    expect(body(4).buffer).not.toBe(body(0).buffer);
    // Released by both (twice by one: counted once): the next window reuses it.
    held[1]?.release();
    held[1]?.release();
    for (const k of [2, 3, 4, 5]) held[k]?.release();
    // The window after the one already begun is written into a buffer given back.
    await windowOf(hub, '4');
    await windowOf(hub, '5');
    expect([body(0).buffer, body(2).buffer, body(4).buffer]).toContain(body(8).buffer);
    expect(JSON.parse(String(body(8))).events[0].row.id).toBe('5');
    hub.close();
  });

  it('is not reused when a subscriber does not hold it (it may read the data later)', async () => {
    const hub = new EventHub({ batchMs: 1000 });
    const got: HubMessage[] = [];
    hub.subscribe((msg) => msg.hold?.()());
    hub.subscribe((msg) => got.push(msg));
    await windowOf(hub, '1');
    await windowOf(hub, '2');
    await windowOf(hub, '3');
    expect(((got[0] as HubMessage).data as { events: Array<{ row: { id: string } }> }).events[0]?.row.id).toBe('1');
    expect(new Set(got.map((m) => (messageBody(m) as Buffer).buffer)).size).toBe(3);
    hub.close();
  });
});
