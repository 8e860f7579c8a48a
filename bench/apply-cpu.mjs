/**
 * The panel's own CPU per apply and per one-forward change (issue #15 goal
 * 5), in-process: a GatewayService on a real store in a temp dir, a
 * FakeRunner standing in for nft (so every millisecond printed is the
 * server's main thread, none of it nft's). Not a timed test: a script that
 * prints medians, to compare two builds of the server on the same box.
 *
 *   node bench/apply-cpu.mjs [server dist dir=apps/server/dist] [rounds=15] [only=all|whole|one]
 *
 * (`one`: the one-forward changes only, e.g. under node --cpu-prof.)
 *
 * Prints, per size: a whole apply of a freshly saved model (10,000
 * forwards, its script compiled before, as after a save), and at 1,000 and
 * 100,000 forwards a one-forward add, update and delete: changeForward
 * alone, and changeForward + its delta apply.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeRunner } from '../packages/rules/dist/index.js';
import { median } from './lib.mjs';
import { benchForwards, benchModel } from './server.mjs';

const root = new URL('..', import.meta.url).pathname;
const dist = resolve(process.argv[2] ?? join(root, 'apps/server/dist'));
const rounds = Number(process.argv[3] ?? 15);
const only = process.argv[4] ?? 'all';
const { GatewayService } = await import(join(dist, 'services/gateway.js'));
const { Store } = await import(join(dist, 'store/store.js'));
const { EventHub } = await import(join(dist, 'services/events.js'));

const quiet = { info() {}, warn() {}, error() {}, debug() {} };
const admin = { actor: 'admin' };
const at = (p) => `model.${p}`;

/** Wall milliseconds of each `fn` measured, awaited (fsyncs of the store's commits included). */
const walls = [];
/** CPU milliseconds (user + system) of `fn`, awaited; its wall time goes to `walls`. */
async function cpu(fn) {
  const c = process.cpuUsage();
  const t = performance.now();
  await fn();
  walls.push(performance.now() - t);
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000;
}
/** The wall time of the last `k` cpu() calls, summed. */
const lastWalls = (k) => walls.slice(-k).reduce((a, b) => a + b, 0);

function gateway(model) {
  const dir = mkdtempSync(join(tmpdir(), 'gh-apply-cpu-'));
  const store = new Store(dir);
  const runner = new FakeRunner()
    .onRun('nft', /^-f /, {})
    .onRun('nft', /list/, { stdout: `table ip ${model.table} {\n}\n` });
  const hub = new EventHub({ batchMs: 10 });
  const g = new GatewayService({ store, runner, hub, log: quiet, initialModel: model, driftIntervalMs: 0 });
  return {
    g,
    async close() {
      await g.close();
      hub.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fmt = (xs) => `${median(xs).toFixed(2)} ms (${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)})`;
const settle = () => new Promise((r) => setTimeout(r, 50));

async function wholeApply(n) {
  const forwards = benchForwards(n);
  const model = { ...benchModel(forwards), table: 'gh_cpu' };
  const s = gateway(model);
  try {
    await s.g.apply(admin);
    const put = [];
    const apply = [];
    const wall = [];
    for (let i = 0; i < rounds; i++) {
      forwards[0].name = `forward 0 round ${i}`;
      put.push(await cpu(() => s.g.putDesired({ ...model, forwards }, undefined, 'admin', 'config.replace', 'config')));
      // The script is compiled and the JSON made after the save (setImmediate); the bench waits 0.5 s.
      await new Promise((r) => setTimeout(r, 500));
      s.g.desired();
      apply.push(await cpu(() => s.g.apply(admin)));
      wall.push(lastWalls(1));
      await settle();
    }
    console.log(
      `${n} forwards, whole apply of a saved model: ${fmt(apply)} CPU, ${fmt(wall)} wall (the save before it: ${fmt(put)} CPU)`,
    );
  } finally {
    await s.close();
  }
}

async function oneForward(n) {
  const model = { ...benchModel(benchForwards(n)), table: 'gh_cpu' };
  const s = gateway(model);
  try {
    await s.g.apply(admin);
    const rows = { add: [[], [], []], update: [[], [], []], delete: [[], [], []] };
    let k = 0;
    const forward = (id, port) => ({ id, name: `new ${id}`, publicPorts: String(port), target: '10.200.0.1' });
    const step = async (kind, op, applyIt) => {
      let c;
      const change = await cpu(() => {
        c = s.g.changeForward(op, undefined, 'admin', at);
      });
      rows[kind][0].push(change);
      if (applyIt) {
        const o = await cpu(() => s.g.applyForwardChange(c, admin));
        rows[kind][1].push(change + o);
        rows[kind][2].push(lastWalls(2));
      }
    };
    for (let i = 0; i < rounds + 3; i++) {
      const id = `new${k}`;
      const port = 60001 + (k++ % 5000);
      const warm = i < 3;
      const keep = (kind) => (warm ? `warm-${kind}` : kind);
      rows['warm-add'] = rows['warm-update'] = rows['warm-delete'] = [[], [], []];
      await step(keep('add'), { kind: 'create', id, forward: forward(id, port) }, true);
      await step(keep('update'), { kind: 'update', id, forward: { ...forward(id, port), name: 'changed' } }, true);
      // An existing forward in the middle of the list, updated in place.
      const mid = `f${Math.floor(n / 2) + i}`;
      const existing = s.g.desired().model.forwards.find((f) => f.id === mid);
      await step(keep('update'), { kind: 'update', id: mid, forward: { ...existing, name: `r${i}` } }, true);
      await step(keep('delete'), { kind: 'delete', id }, true);
      await settle();
    }
    for (const kind of ['add', 'update', 'delete']) {
      console.log(
        `${n} forwards, one-forward ${kind}: changeForward ${fmt(rows[kind][0])}; with its delta apply ${fmt(rows[kind][1])} CPU, ${fmt(rows[kind][2])} wall`,
      );
    }
  } finally {
    await s.close();
  }
}

console.log(`server build: ${dist}`);
if (only !== 'one') await wholeApply(10_000);
if (only !== 'whole') {
  await oneForward(1000);
  await oneForward(100_000);
}
