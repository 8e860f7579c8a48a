import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/index.js';
import { cleanupStale, createLab } from '../src/index.js';
import { netnsList, processAlive } from './helpers.js';

describe('cleanupStale', () => {
  let lab: Lab | undefined;
  const fake: string[] = [];
  afterAll(async () => {
    await lab?.destroy();
    for (const ns of fake) await execa('ip', ['netns', 'del', ns], { reject: false });
  });

  it('removes namespaces whose owner process is dead, with their processes, and keeps live ones', async () => {
    // a pid that certainly belonged to a process that has exited
    const dead = execa('true');
    const deadPid = dead.pid;
    await dead;
    expect(deadPid).toBeGreaterThan(0);
    const ns = `gh-${deadPid}-beef-client`;
    await execa('ip', ['netns', 'add', ns]);
    fake.push(ns);
    const sleeper = execa('ip', ['netns', 'exec', ns, 'sleep', '300'], { reject: false });
    await new Promise((r) => setTimeout(r, 200));
    expect(sleeper.pid && processAlive(sleeper.pid)).toBe(true);

    lab = await createLab({ withServers: false });
    const removed = await cleanupStale();
    expect(removed).toContain(ns);
    for (const n of Object.values(lab.ns)) expect(removed).not.toContain(n);

    const after = await netnsList();
    expect(after).not.toContain(ns);
    expect(after).toEqual(expect.arrayContaining(Object.values(lab.ns)));
    const r = await sleeper;
    expect(r.isTerminated).toBe(true);
  });
});
