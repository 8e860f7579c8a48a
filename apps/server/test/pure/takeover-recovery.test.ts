/**
 * The takeover through GatewayService on a real store and a fake kernel:
 * the apply sends our table and the retired table's deletion in one script
 * and keeps its listing; a provisional takeover whose deadline passed while
 * the server was down, and one cut short mid-apply, load that listing back
 * in the one script that restores our previous state; an apply nft refuses
 * keeps nothing and leaves the takeover pending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { interruptedApply } from './interrupted-apply.js';
import { type Harness, harness, loaded } from './support.js';

const MY_NAT =
  'table ip my_nat {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n\t}\n}\n';
const admin = { actor: 'admin' };
let h: Harness | undefined;

afterEach(async () => {
  await h?.close();
  h?.remove();
  h = undefined;
});

/** The fake kernel also holds the foreign table my_nat. */
function withForeignTable(x: Harness): Harness {
  x.runner.onRun('nft', ['list', 'tables'], { stdout: 'table ip my_nat\n' });
  x.runner.onRun('nft', ['list', 'table', 'ip', 'my_nat'], { stdout: MY_NAT });
  x.store.takeover.setPending([{ family: 'ip', name: 'my_nat' }], 'admin');
  return x;
}

describe('a takeover through the gateway service', () => {
  it('applies our table and the deletion in one script, saves the listing, and clears the pending takeover', async () => {
    h = withForeignTable(harness());
    const o = await h.gateway.apply({ ...admin, confirmWithinSeconds: 60 });
    const [script] = loaded(h.runner);
    expect(script).toMatch(/table ip gatehouse \{[\s\S]*\ndelete table ip my_nat\n$/);
    expect(h.store.takeover.ofRevision(o.revision.id)).toMatchObject([{ name: 'my_nat', text: MY_NAT }]);
    expect(h.store.takeover.pending()).toEqual([]);
    // What the revision keeps is our table alone (a drift restore loads it again whether my_nat exists or not).
    expect(h.gateway.scriptOf(h.gateway.activeRevision())).not.toContain('my_nat');
  });

  it('rolls an unconfirmed takeover back after a restart past its deadline: our table removed and my_nat loaded back, in one script', async () => {
    h = withForeignTable(harness());
    const o = await h.gateway.apply({ ...admin, confirmWithinSeconds: 60 });
    const pending = h.store.meta.pending();
    h.store.meta.setPending({ ...(pending as NonNullable<typeof pending>), deadline: Date.now() - 1 });
    h = await h.restart();
    await h.gateway.recover();
    expect(loaded(h.runner)).toEqual([
      `table ip gatehouse\ndelete table ip gatehouse\ntable ip my_nat\ndelete table ip my_nat\n${MY_NAT}`,
    ]);
    expect(h.store.revisions.summary(o.revision.id)?.status).toBe('rolled-back');
    expect(h.store.takeover.ofRevision(o.revision.id)[0]?.restoredBy).toBe(h.store.revisions.list(1)[0]?.id);
    // The desired model keeps the adoption: its takeover is pending again.
    expect(h.store.takeover.pending()).toMatchObject([{ family: 'ip', name: 'my_nat' }]);
  });

  it('"roll back now" of a provisional takeover loads my_nat back with the previous revision, in one script', async () => {
    h = harness();
    await h.gateway.apply(admin);
    const before = h.gateway.scriptOf(h.gateway.activeRevision());
    withForeignTable(h);
    await h.gateway.apply({ ...admin, confirmWithinSeconds: 60 });
    await h.gateway.rollBackNow('admin');
    const scripts = loaded(h.runner);
    expect(scripts).toHaveLength(3);
    expect(scripts[2]).toBe(`${before}table ip my_nat\ndelete table ip my_nat\n${MY_NAT}`);
    expect(h.store.takeover.pending()).toMatchObject([{ name: 'my_nat' }]);
  });

  it('undoes a takeover cut short mid-apply: the previous revision and my_nat in one script', async () => {
    h = harness();
    const { activeScript, half } = await interruptedApply(h);
    h.store.takeover.recordRetired(half.id, [{ family: 'ip', name: 'my_nat', text: MY_NAT }]);
    h = await h.restart();
    await h.gateway.recover();
    expect(loaded(h.runner)).toEqual([`${activeScript}table ip my_nat\ndelete table ip my_nat\n${MY_NAT}`]);
    expect(h.store.takeover.ofRevision(half.id)[0]?.restoredBy).toBe(half.id);
  });

  it('applies without the deletion of a table removed by hand since the adopt, and clears the takeover', async () => {
    h = withForeignTable(harness());
    h.runner.onRun('nft', ['list', 'tables'], { stdout: '' });
    const o = await h.gateway.apply(admin);
    expect(loaded(h.runner)[0]).not.toContain('my_nat');
    expect(h.store.takeover.ofRevision(o.revision.id)).toEqual([]);
    expect(h.store.takeover.pending()).toEqual([]);
  });

  it('keeps nothing of a takeover nft refuses, and leaves it pending', async () => {
    h = withForeignTable(harness());
    // The latest script wins: nft refuses what is loaded.
    h.runner.onRun('nft', ['-f', '-'], { exitCode: 1, stderr: '/dev/stdin:1:1-2: Error: refused' });
    await expect(h.gateway.apply(admin)).rejects.toThrow();
    const failed = h.store.revisions.list(1)[0];
    expect(failed?.status).toBe('failed');
    expect(h.store.takeover.ofRevision(failed?.id ?? -1)).toEqual([]);
    expect(h.store.takeover.pending()).toMatchObject([{ name: 'my_nat' }]);
  });
});
