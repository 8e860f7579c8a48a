/**
 * The text a flow event is sent as: addresses formatted through the cache
 * of recent ones (parse.ts intToIpv4) and a batch's JSON made once for every
 * subscriber (services/events.ts messageJson).
 */
import { describe, expect, it } from 'vitest';
import { intToIpv4, ipv4ToInt } from '../../src/conntrack/parse.js';
import { EventHub, type HubMessage, messageJson } from '../../src/services/events.js';

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

describe('messageJson', () => {
  it('makes a batch its JSON once for every subscriber', async () => {
    const hub = new EventHub({ batchMs: 5 });
    const texts: string[] = [];
    const got: HubMessage[] = [];
    for (let i = 0; i < 3; i++)
      hub.subscribe((m) => {
        got.push(m);
        texts.push(messageJson(m));
      });
    hub.flow('new', { id: '7', state: 'SYN_SENT' } as never);
    await new Promise((r) => setTimeout(r, 30));
    expect(got).toHaveLength(3);
    expect(new Set(got).size).toBe(1);
    expect(texts[0]).toBe(JSON.stringify({ events: [{ type: 'new', row: { id: '7', state: 'SYN_SENT' } }] }));
    // The same string object, not three equal ones.
    expect(texts.every((t) => Object.is(t, texts[0]))).toBe(true);
    hub.close();
  });
});
