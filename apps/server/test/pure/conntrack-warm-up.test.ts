/**
 * The flow-event path's warm-up at start-up (conntrack/warm-up.ts): made-up
 * events go the fast path through a scratch index and hub, consult the
 * server's attribution, and leave the event loop a turn between slices.
 */
import { describe, expect, it } from 'vitest';
import type { FlowAttribution } from '../../src/conntrack/attribution.js';
import { warmFlowEvents } from '../../src/conntrack/warm-up.js';

describe('the flow-event warm-up', () => {
  it('reads every made-up event by the fast path and sends their rows through a scratch hub', async () => {
    let consulted = 0;
    const attribution = {
      rowTailJson: () => {
        consulted++;
        return '"forward":null,"panel":false';
      },
    } as unknown as FlowAttribution;
    const r = await warmFlowEvents(() => attribution, 10_000);
    expect(r.events).toBe(10_000);
    expect(r.declined).toBe(0);
    // Five events a made-up flow, each a row in a `flows` message (~300 bytes a row).
    expect(consulted).toBe(10_000);
    expect(r.sentBytes).toBeGreaterThan(10_000 * 200);
  });

  it('gives the event loop a turn between slices', async () => {
    let done = false;
    let turns = 0;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    await warmFlowEvents(() => null, 10_000);
    done = true;
    // 20 slices of 500 events.
    expect(turns).toBeGreaterThanOrEqual(19);
  });
});
