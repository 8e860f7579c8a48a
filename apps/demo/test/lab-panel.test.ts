/**
 * The lab panel launcher (what `npm run demo` and the e2e suite start, without
 * the build): ten starts and stops in a row must all come up, each within its
 * deadline, and leave no namespace behind; a server that dies during startup
 * ends the wait at once with its own message instead of hanging.
 * Uses the built launcher (the demo test setup builds it and the server): the
 * server process it starts is dist/lab-panel-entry.js.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { listLabNamespaces } from '@gatehouse/lab';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { type LabPanel, loginOverHttp, startLabPanel } from '../dist/lab-panel.js';

const MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [],
};
const STARTS = 10;
/** Per start; the whole test is bounded by STARTS times this plus the stops. */
const START_DEADLINE_MS = 20_000;

async function ownNamespaces(): Promise<string[]> {
  return (await listLabNamespaces()).filter((n) => n.startsWith(`gh-${process.pid}-`));
}

describe('lab panel launcher', () => {
  let current: LabPanel | undefined;
  afterAll(async () => {
    await current?.stop();
  });

  it(
    `comes up ${STARTS} times in a row, each start answering and each stop removing its lab`,
    async () => {
      const times: number[] = [];
      for (let i = 1; i <= STARTS; i++) {
        const t0 = Date.now();
        const password = randomBytes(12).toString('base64url');
        current = await startLabPanel({
          initialModel: MODEL,
          adminPassword: password,
          serverOutput: 'ignore',
          readyTimeoutMs: START_DEADLINE_MS,
        });
        const took = Date.now() - t0;
        times.push(took);
        console.info(`start ${i}/${STARTS}: up in ${took} ms (lab ${current.lab.id}, ${current.base})`);
        // Up means usable through the host relay: health, and a login with the password it was given.
        const health = await fetch(`${current.base}/api/v1/health`, { signal: AbortSignal.timeout(5000) });
        expect(health.status).toBe(200);
        const session = await loginOverHttp(current.base, 'admin', password);
        expect(session.csrfToken).toBeTruthy();
        const id = current.lab.id;
        await current.stop();
        current = undefined;
        expect((await ownNamespaces()).filter((n) => n.startsWith(id))).toEqual([]);
      }
      console.info(`starts: min ${Math.min(...times)} ms, max ${Math.max(...times)} ms`);
      expect(times.every((t) => t < START_DEADLINE_MS)).toBe(true);
    },
    STARTS * (START_DEADLINE_MS + 10_000),
  );

  it('reports a server that exits during startup at once, with its message, and removes the lab', async () => {
    const t0 = Date.now();
    const start = startLabPanel({
      initialModel: MODEL,
      serverOutput: 'ignore',
      readyTimeoutMs: START_DEADLINE_MS,
      env: { GATEHOUSE_LISTEN: 'not-an-address' },
    });
    await expect(start).rejects.toThrow(/the server exited \(2\) before it answered: .*listen/s);
    // Well before the readiness deadline: the exit ended the wait, not the deadline.
    expect(Date.now() - t0).toBeLessThan(START_DEADLINE_MS);
    expect(await ownNamespaces()).toEqual([]);
  }, 60_000);

  it('tells the caller when the server dies after the start', async () => {
    const exits: Array<number | string | undefined> = [];
    current = await startLabPanel({
      initialModel: MODEL,
      serverOutput: 'ignore',
      readyTimeoutMs: START_DEADLINE_MS,
      onServerExit: (code) => exits.push(code),
    });
    // The server's pid, among this lab's gateway processes only.
    const pids = (await execa('ip', ['netns', 'pids', current.lab.ns.gateway])).stdout.split('\n').map(Number);
    const serverPid = pids.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lab-panel-entry.js'));
    expect(serverPid).toBeDefined();
    process.kill(serverPid as number, 'SIGKILL');
    await expect.poll(() => exits.length, { timeout: 10_000 }).toBe(1);
    await current.stop();
    current = undefined;
  }, 60_000);
});
