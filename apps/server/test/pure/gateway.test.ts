/**
 * GatewayService without root: a real store in a temp dir, FakeRunner for
 * nft. Delta chains, crash recovery at start, and the confirm timer on fake
 * time.
 */
import type { GatewayModel } from '@gatehouse/rules';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { interruptedApply } from './interrupted-apply.js';
import { type Harness, harness, loaded } from './support.js';

const admin = { actor: 'admin' };
const at = (path: string) => `model.${path}`;
let h: Harness | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await h?.close();
  h?.remove();
  h = undefined;
});

const forwardIds = (m: GatewayModel | null) => m?.forwards.map((f) => `${f.id}:${f.publicPorts}`);

describe('delta chains', () => {
  it('applies one-forward changes as element deltas, then a whole apply; every revision model rebuilds after a restart', async () => {
    h = harness();
    const g = h.gateway;
    const first = await g.apply(admin);
    expect(first.delta).toBe(false);
    const expected = new Map<number, string[] | undefined>([[first.revision.id, forwardIds(g.desired().model)]]);

    const steps = [
      () =>
        g.changeForward(
          {
            kind: 'create',
            id: 'dns',
            forward: { id: 'dns', name: 'dns', publicPorts: '53', protocol: 'udp', target: '192.168.1.12' },
          },
          undefined,
          'admin',
          at,
        ),
      () =>
        g.changeForward(
          {
            kind: 'update',
            id: 'web',
            forward: { id: 'web', name: 'web', publicPorts: '8080', target: '192.168.1.10' },
          },
          undefined,
          'admin',
          at,
        ),
      () => g.changeForward({ kind: 'delete', id: 'mail' }, undefined, 'admin', at),
    ];
    for (const step of steps) {
      const c = step();
      const o = await g.applyForwardChange(c, admin);
      expect(o.delta).toBe(true);
      expect(o.activeRevisionId).toBe(o.revision.id);
      // An element delta: no table flush, only the changed forward's elements.
      expect(loaded(h.runner).at(-1)).not.toMatch(/flush table/);
      expected.set(o.revision.id, forwardIds(g.desired().model));
    }
    // A change of more than forwards: the whole model again.
    g.updateDesired(
      (m) => ({ ...m, masquerade: { forwardedServers: true, lanToWan: false } }),
      undefined,
      'admin',
      'x',
      'x',
    );
    const whole = await g.apply(admin);
    expect(whole.delta).toBe(false);
    expect(loaded(h.runner).at(-1)).toMatch(/table ip gatehouse/);
    expected.set(whole.revision.id, forwardIds(g.desired().model));
    expect(h.store.revisions.list(10).filter((r) => r.delta !== null)).toHaveLength(3);

    // A fresh service knows no model: each is rebuilt from the store, deltas applied to the nearest whole one.
    h = await h.restart();
    for (const [id, ids] of expected) {
      expect(forwardIds(h.gateway.revisionModel(h.gateway.revision(id))), `revision ${id}`).toEqual(ids);
    }
    expect(forwardIds(h.gateway.revisionModel(h.gateway.revision(first.revision.id + 1)))).toEqual([
      'web:80',
      'mail:25',
      'dns:53',
    ]);
  });

  it('a failed apply is reverted as a new version holding the previous content', async () => {
    h = harness();
    // A copy: the desired model's forwards change in place (DesiredState.changeForward).
    const before = structuredClone(h.gateway.desired());
    const c = h.gateway.changeForward({ kind: 'delete', id: 'web' }, before.version, 'admin', at);
    expect(c.version).toBe(before.version + 1);
    const reverted = h.gateway.revertForwardChange(c, 'admin', 'nft_rejected');
    expect(reverted).toBe(before.version + 2);
    const after = h.gateway.desired();
    expect(after.version).toBe(reverted);
    expect(after.model).toEqual(before.model);
    // Someone else changed it since: nothing is reverted.
    const d = h.gateway.changeForward({ kind: 'delete', id: 'mail' }, undefined, 'admin', at);
    h.gateway.changeForward({ kind: 'delete', id: 'web' }, undefined, 'admin', at);
    expect(h.gateway.revertForwardChange(d, 'admin', 'x')).toBeNull();
  });
});

describe('crash recovery at start', () => {
  it('undoes an apply left `applying`: marked failed, audited, the active revision loaded again', async () => {
    h = harness();
    // What a crash between the `applying` row and the confirmation leaves.
    const { applied, activeScript, half } = await interruptedApply(h, { ...h.gateway.desired().model, forwards: [] });
    h = await h.restart();
    await h.gateway.recover();
    expect(h.store.revisions.summary(half.id)?.status).toBe('failed');
    expect(h.store.audit.list(5).map((a) => `${a.action} ${a.target}`)).toContain(
      `apply.interrupted revision:${half.id}`,
    );
    expect(loaded(h.runner)).toEqual([activeScript]);
    expect(h.gateway.activeRevision()?.id).toBe(applied.revision.id);
  });

  it('restores the revision before a provisional apply whose deadline passed while the server was down', async () => {
    h = harness();
    const confirmed = await h.gateway.apply(admin);
    const firstModel = forwardIds(h.gateway.revisionModel(h.gateway.activeRevision()));
    h.gateway.changeForward({ kind: 'delete', id: 'web' }, undefined, 'admin', at);
    const provisional = await h.gateway.apply({ ...admin, confirmWithinSeconds: 60 });
    expect(provisional.pending?.previousRevisionId).toBe(confirmed.revision.id);
    const pending = h.store.meta.pending();
    expect(pending).not.toBeNull();
    h.store.meta.setPending({ ...(pending as NonNullable<typeof pending>), deadline: Date.now() - 1 });
    h = await h.restart();
    await h.gateway.recover();
    const active = h.gateway.activeRevision();
    expect(active).toMatchObject({ kind: 'auto-rollback', restoredFrom: confirmed.revision.id });
    expect(forwardIds(h.gateway.revisionModel(active))).toEqual(firstModel);
    expect(h.store.revisions.summary(provisional.revision.id)?.status).toBe('rolled-back');
    expect(h.store.meta.pending()).toBeNull();
  });
});

describe('the confirm timer (fake time)', () => {
  async function provisionalApply() {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    h = harness();
    const confirmed = await h.gateway.apply(admin);
    h.gateway.changeForward({ kind: 'delete', id: 'web' }, undefined, 'admin', at);
    const provisional = await h.gateway.apply({ ...admin, confirmWithinSeconds: 30 });
    expect(h.gateway.activeRevision()?.status).toBe('provisional');
    return { confirmed, provisional };
  }

  it('restores the previous revision when nobody confirms in time', async () => {
    const { confirmed, provisional } = await provisionalApply();
    await vi.advanceTimersByTimeAsync(29_000);
    expect(h?.gateway.activeRevision()?.id).toBe(provisional.revision.id);
    await vi.advanceTimersByTimeAsync(2_000);
    const g = h?.gateway;
    expect(g?.activeRevision()).toMatchObject({ kind: 'auto-rollback', restoredFrom: confirmed.revision.id });
    expect(forwardIds(g?.revisionModel(g.activeRevision()) ?? null)).toEqual(['web:80', 'mail:25']);
    expect(h?.store.revisions.summary(provisional.revision.id)?.status).toBe('rolled-back');
  });

  it('keeps the provisional apply once it is confirmed in time', async () => {
    const { provisional } = await provisionalApply();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(h?.gateway.confirm('admin').id).toBe(provisional.revision.id);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h?.gateway.activeRevision()).toMatchObject({ id: provisional.revision.id, status: 'confirmed' });
    expect(h?.store.revisions.list(10).some((r) => r.kind === 'auto-rollback')).toBe(false);
  });

  it('refuses an apply while one runs; the automatic rollback waits for it instead', async () => {
    const { confirmed } = await provisionalApply();
    const g = h?.gateway;
    if (!g) throw new Error('no harness');
    const running = g.apply(admin);
    await expect(g.apply(admin)).rejects.toMatchObject({ statusCode: 409, code: 'apply_in_progress' });
    await running;
    // That apply replaced the provisional one (its own is not provisional): nothing is left to roll back.
    await vi.advanceTimersByTimeAsync(31_000);
    expect(g.activeRevision()).toMatchObject({ kind: 'apply', status: 'confirmed' });
    expect(g.activeRevision()?.id).not.toBe(confirmed.revision.id);
  });
});
