/**
 * Nothing in the lab waits forever: a service that exits during startup ends
 * createLab at once, naming it; an HTTP readiness wait ends at its deadline
 * with the URL, the namespace and the last problem. Both leave nothing behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createLab, type Lab, listLabNamespaces, waitForHttp } from '../src/index.js';

const own = async () => (await listLabNamespaces()).filter((n) => n.startsWith(`gh-${process.pid}-`));

describe('lab waits', () => {
  const labs: Lab[] = [];
  afterAll(async () => {
    for (const lab of labs) await lab.destroy();
  });

  it('createLab fails fast, naming the service, when vsftpd exits during startup', async () => {
    const t0 = Date.now();
    await expect(createLab({ vsftpdPath: '/bin/true', readyTimeoutMs: 20_000 })).rejects.toThrow(
      /vsftpd on port 21 exited during startup/,
    );
    expect(Date.now() - t0).toBeLessThan(20_000); // the exit ended the wait, not the deadline
    expect(await own()).toEqual([]);
  });

  it('waitForHttp ends at its deadline with the URL, the namespace and the last problem', async () => {
    const lab = await createLab({ withServers: false });
    labs.push(lab);
    const t0 = Date.now();
    await expect(waitForHttp('http://192.168.1.1:8080/api/v1/health', 1500, { lab, where: 'server' })).rejects.toThrow(
      /http:\/\/192\.168\.1\.1:8080\/api\/v1\/health did not answer from the lab's server namespace within 1500 ms \(ECONNREFUSED\)/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });
});
