/**
 * Test support for one change on two nodes (issue #16): two panels of a
 * pair in this test process, each listening on a loopback port with a
 * namespace of its own for its nft (pair-apply.test.ts, pair-apply-paths.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { createRunner, type Runner } from '@gatehouse/rules';
import { createNetns, createToken, login, makeApp, type Netns, type TestApp, waitFor } from './helpers.js';

export interface PairTestNode {
  ns: Netns;
  t: TestApp;
  port: number;
  /** An admin API token of this panel. */
  admin: string;
}

/** A panel as pair node `name` in a new namespace, listening on a loopback port; `runnerFor` replaces its runner. */
export async function startPairNode(
  name: 'gw-a' | 'gw-b',
  peerToken: string,
  runnerFor?: (netns: string) => Runner,
): Promise<PairTestNode> {
  const ns = createNetns();
  const t = await makeApp(ns.name, { haNode: name, haPeerToken: peerToken }, runnerFor?.(ns.name));
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (t.app.server.address() as AddressInfo).port;
  return { ns, t, port, admin: await createToken(t.app, await login(t.app), 'admin') };
}

/** The `ha` section of a pair of these two panels (their loopback ports as the peer API). */
export function pairSection(a: PairTestNode, b: PairTestNode, routerIds: [number, number], peerToken: string) {
  return {
    nodes: [
      { name: 'gw-a', apiUrl: `http://127.0.0.1:${a.port}`, syncAddress: '10.9.0.1', priority: 150 },
      { name: 'gw-b', apiUrl: `http://127.0.0.1:${b.port}`, syncAddress: '10.9.0.2', priority: 100 },
    ],
    vrrp: {
      wan: { routerId: routerIds[0], address: '192.0.2.2/24' },
      lan: { routerId: routerIds[1], address: '192.168.1.1/24' },
      authSecret: 'Vr7pass',
    },
    syncInterface: 'eth2',
    peerToken,
  };
}

/**
 * A runner whose next `nft -f` (not `nft -c`) waits once the gate is armed:
 * the window between the peer's check and its apply, where a test changes
 * the peer's kernel.
 */
export class NftGate {
  private armed: { reached: () => void; release: Promise<void> } | null = null;

  runner(netns: string): Runner {
    const real = createRunner({ netns });
    return {
      netns,
      run: async (command, args, opts) => {
        const g = this.armed;
        if (command === 'nft' && args.includes('-f') && !args.includes('-c') && g) {
          this.armed = null;
          g.reached();
          await g.release;
        }
        return real.run(command, args, opts);
      },
      stream: (command, args, handlers) => real.stream(command, args, handlers),
    };
  }

  /** `reached` resolves when the next `nft -f` waits; it goes on at `open()`. */
  arm(): { reached: Promise<void>; open: () => void } {
    let open: () => void = () => undefined;
    const release = new Promise<void>((r) => {
      open = r;
    });
    const reached = new Promise<void>((resolve) => {
      this.armed = { reached: resolve, release };
    });
    return { reached, open };
  }

  disarm(): void {
    this.armed = null;
  }
}

/** `owner` tables held by `nft -i` processes of a test: the kernel lets no one else touch them. */
export class OwnerTables {
  private readonly holders: ChildProcess[] = [];

  /** Holds table ip `name` in `n`'s namespace until the returned function is called. */
  async hold(n: PairTestNode, name: string): Promise<() => void> {
    const p = spawn('ip', ['netns', 'exec', n.ns.name, 'nft', '-i'], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.holders.push(p);
    p.stdin?.write(`add table ip ${name} { flags owner; }\n`);
    await waitFor('the owner table', async () => n.ns.exec('nft', ['list', 'tables']).includes(`table ip ${name}`));
    return () => {
      p.stdin?.end();
      p.kill();
    };
  }

  releaseAll(): void {
    for (const p of this.holders) p.kill('SIGKILL');
  }
}

/** Closes both panels and removes their namespaces. */
export async function stopPairNodes(...nodes: Array<PairTestNode | undefined>): Promise<void> {
  for (const n of nodes) {
    await n?.t.close().catch(() => undefined);
    n?.ns.destroy();
  }
}
