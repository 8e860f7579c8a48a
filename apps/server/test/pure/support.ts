/**
 * A gateway service on a real store in a temp dir and a FakeRunner standing
 * in for nft: no root, no kernel. The fake "kernel" accepts every script and
 * lists an empty table; tests read what was loaded from `runner.callsOf('nft')`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeRunner } from '@gatehouse/rules';
import { EventHub } from '../../src/services/events.js';
import { GatewayService } from '../../src/services/gateway.js';
import { Store } from '../../src/store/store.js';

export const BASE_MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  forwards: [
    { id: 'web', name: 'web', publicPorts: '80', target: '192.168.1.10' },
    { id: 'mail', name: 'mail', publicPorts: '25', target: '192.168.1.11' },
  ],
};

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

export function fakeKernel(): FakeRunner {
  return new FakeRunner()
    .onRun('nft', ['-f', '-'], {})
    .onRun('nft', /list table ip gatehouse/, { stdout: 'table ip gatehouse {\n}\n' });
}

/** Scripts loaded with `nft -f -`, in order. */
export function loaded(runner: FakeRunner): string[] {
  return runner.callsOf('nft', ['-f', '-']).map((c) => c.input ?? '');
}

export interface Harness {
  dir: string;
  store: Store;
  runner: FakeRunner;
  gateway: GatewayService;
  /** The same state directory opened again, as after a restart. */
  restart(): Promise<Harness>;
  close(): Promise<void>;
  remove(): void;
}

export function harness(dir = mkdtempSync(join(tmpdir(), 'gh-pure-'))): Harness {
  const store = new Store(dir);
  const runner = fakeKernel();
  const hub = new EventHub({ batchMs: 10 });
  const gateway = new GatewayService({
    store,
    runner,
    hub,
    log: quiet,
    initialModel: BASE_MODEL,
    driftIntervalMs: 0,
  });
  const h: Harness = {
    dir,
    store,
    runner,
    gateway,
    async restart() {
      await h.close();
      return harness(dir);
    },
    async close() {
      await gateway.close();
      hub.close();
      store.close();
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return h;
}
