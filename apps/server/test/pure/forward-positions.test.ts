/**
 * The desired model's index of forward positions (services/gateway/
 * forward-positions.ts) against `findIndex` on random sequences of appends,
 * replacements and removals, alone and through DesiredState (changes,
 * reverts of failed applies, whole saves, rollbacks); and the model JSON
 * made after a save is the one a whole apply records, never a stale one.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ForwardPositions, REBUILD_AFTER } from '../../src/services/gateway/forward-positions.js';
import { type Harness, harness } from './support.js';

type Op = { kind: 'append' } | { kind: 'replace'; at: number } | { kind: 'remove'; at: number } | { kind: 'find' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constant<Op>({ kind: 'append' }),
  fc.nat().map((at): Op => ({ kind: 'replace', at })),
  // Removals weigh more, so that runs cross REBUILD_AFTER.
  fc.nat().map((at): Op => ({ kind: 'remove', at })),
  fc.nat().map((at): Op => ({ kind: 'remove', at })),
  fc.constant<Op>({ kind: 'find' }),
);

describe('ForwardPositions', () => {
  it('answers what findIndex answers through appends, in-place replacements and removals anywhere', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120 }), fc.array(op, { maxLength: 300 }), (initial, ops) => {
        let next = 0;
        const list = Array.from({ length: initial }, () => ({ id: `f${next++}` }));
        const positions = new ForwardPositions(list);
        const removed: string[] = [];
        const check = () => {
          // Every id present, a removed one and one never seen.
          for (const f of list) expect(positions.indexOf(f.id)).toBe(list.findIndex((x) => x.id === f.id));
          for (const id of removed.slice(-3)) expect(positions.indexOf(id)).toBe(-1);
          expect(positions.indexOf('never')).toBe(-1);
        };
        for (const o of ops) {
          if (o.kind === 'append') {
            list.push({ id: `f${next++}` });
            positions.appended((list.at(-1) as { id: string }).id);
          } else if (list.length === 0) {
          } else if (o.kind === 'replace') {
            const at = o.at % list.length;
            list[at] = { id: (list[at] as { id: string }).id };
          } else if (o.kind === 'remove') {
            const at = o.at % list.length;
            const [gone] = list.splice(at, 1);
            positions.removedAt((gone as { id: string }).id, at);
            removed.push((gone as { id: string }).id);
          } else {
            check();
          }
        }
        check();
      }),
      { numRuns: 300 },
    );
  });

  it('finds a forward after more removals before it than the rebuild threshold, and removals at the end move nothing', () => {
    const list = Array.from({ length: 3 * REBUILD_AFTER }, (_, i) => ({ id: `f${i}` }));
    const positions = new ForwardPositions(list);
    const last = list.at(-1)?.id as string;
    for (let i = 0; i < 2 * REBUILD_AFTER + 1; i++) {
      const [gone] = list.splice(0, 1);
      positions.removedAt((gone as { id: string }).id, 0);
      expect(positions.indexOf(last)).toBe(list.length - 1);
    }
    list.pop();
    positions.removedAt(last, list.length);
    expect(positions.indexOf(last)).toBe(-1);
    expect(list.every((f, i) => positions.indexOf(f.id) === i)).toBe(true);
  });
});

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h?.remove();
  h = undefined;
});

const admin = { actor: 'admin' };
const at = (p: string) => `model.${p}`;
const ids = () => h?.gateway.desired().model.forwards.map((f) => f.id) ?? [];
const immediate = () => new Promise((r) => setImmediate(r));

type StateOp =
  | { kind: 'create' }
  | { kind: 'update'; at: number }
  | { kind: 'delete'; at: number }
  | { kind: 'revert' }
  | { kind: 'save' };

const stateOp: fc.Arbitrary<StateOp> = fc.oneof(
  fc.constant<StateOp>({ kind: 'create' }),
  fc.nat().map((at): StateOp => ({ kind: 'update', at })),
  fc.nat().map((at): StateOp => ({ kind: 'delete', at })),
  fc.nat().map((at): StateOp => ({ kind: 'delete', at })),
  fc.constant<StateOp>({ kind: 'revert' }),
  fc.constant<StateOp>({ kind: 'save' }),
);

describe('positions through DesiredState', () => {
  it('each change finds the forward where findIndex would, through creates, updates, deletes, reverts of a failed apply and whole saves; the store holds the same list', async () => {
    h = harness();
    const g = h.gateway;
    let n = 0;
    const port = () => String(20000 + n);
    await fc.assert(
      fc.asyncProperty(fc.array(stateOp, { minLength: 1, maxLength: 40 }), async (ops) => {
        let last: ReturnType<typeof g.changeForward> | null = null;
        for (const o of ops) {
          // A lookup before each step but a revert (which must follow its change), of the
          // last forward: the longest way down from a stored position after removals.
          if (o.kind !== 'revert' && ids().length > 0) {
            const c = g.changeForward(
              { kind: 'update', id: ids().at(-1) as string, forward: g.desired().model.forwards.at(-1) },
              undefined,
              'admin',
              at,
            );
            expect(c.position).toBe(ids().length - 1);
          }
          const list = ids();
          if (o.kind === 'create') {
            n++;
            const id = `p${n}`;
            last = g.changeForward(
              { kind: 'create', id, forward: { id, name: id, publicPorts: port(), target: '192.168.1.20' } },
              undefined,
              'admin',
              at,
            );
            expect(last.position).toBe(list.length);
          } else if ((o.kind === 'update' || o.kind === 'delete') && list.length > 0) {
            const id = list[o.at % list.length] as string;
            const expected = list.indexOf(id);
            const forward = g.desired().model.forwards[expected];
            last =
              o.kind === 'update'
                ? g.changeForward(
                    { kind: 'update', id, forward: { ...forward, name: `u${n++}` } },
                    undefined,
                    'admin',
                    at,
                  )
                : g.changeForward({ kind: 'delete', id }, undefined, 'admin', at);
            expect(last.position).toBe(expected);
          } else if (o.kind === 'revert' && last) {
            // As a failed ?apply=true does: the change undone, as a new version (a new cache).
            expect(g.revertForwardChange(last, 'admin', 'nft_rejected')).not.toBeNull();
            last = null;
          } else if (o.kind === 'save') {
            const { model } = g.desired();
            g.putDesired({ ...model, forwards: [...model.forwards].reverse() }, undefined, 'admin', 'config', 'config');
            last = null;
          }
        }
        const stored = h?.store.desired.get()?.model as { forwards: Array<{ id: string }> } | undefined;
        expect(stored?.forwards.map((f) => f.id)).toEqual(ids());
      }),
      { numRuns: 25 },
    );
  });

  it('a whole apply records the JSON made after the save, and a forward changed since then is in what it records', async () => {
    h = harness();
    const g = h.gateway;
    const recorded = () => JSON.parse(h?.store.revisions.text(g.activeRevision()?.id ?? -1, 'model') ?? '');
    const renamed = (name: string) => {
      const { model } = g.desired();
      const forwards = model.forwards.map((f) => (f.id === 'mail' ? { ...f, name } : f));
      g.putDesired({ ...model, forwards }, undefined, 'admin', 'config', 'config');
    };
    const mailName = () => recorded().forwards.find((f: { id: string }) => f.id === 'mail').name;
    renamed('saved');
    await immediate();
    await immediate();
    const first = await g.apply(admin);
    expect(first.delta).toBe(false);
    expect(recorded()).toEqual(JSON.parse(JSON.stringify(g.desired().model)));
    expect(mailName()).toBe('saved');

    // Saved again (its JSON made), then a forward changed in place before the apply.
    renamed('again');
    await immediate();
    await immediate();
    g.changeForward(
      { kind: 'update', id: 'web', forward: { id: 'web', name: 'web', publicPorts: '8081', target: '192.168.1.10' } },
      undefined,
      'admin',
      at,
    );
    await g.apply(admin);
    expect(recorded().forwards.find((f: { id: string }) => f.id === 'web').publicPorts).toBe('8081');
    expect(mailName()).toBe('again');
    expect(recorded()).toEqual(JSON.parse(JSON.stringify(g.desired().model)));
  });

  it('a forward changed after a rollback leaves the revision rolled back to as it was', async () => {
    h = harness();
    const g = h.gateway;
    const first = await g.apply(admin);
    const original = JSON.stringify(g.revisionModel(first.revision));
    const c = g.changeForward({ kind: 'delete', id: 'mail' }, undefined, 'admin', at);
    await g.applyForwardChange(c, admin);
    await g.rollbackTo(first.revision.id, admin);
    const d = g.changeForward(
      { kind: 'update', id: 'web', forward: { id: 'web', name: 'web', publicPorts: '8082', target: '192.168.1.10' } },
      undefined,
      'admin',
      at,
    );
    g.changeForward({ kind: 'delete', id: 'mail' }, undefined, 'admin', at);
    expect(d.position).toBe(0);
    expect(JSON.stringify(g.revisionModel(first.revision))).toBe(original);
    expect(ids()).toEqual(['web']);
  });
});
