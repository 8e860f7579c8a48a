import { existsSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/index.js';
import { createLab, LAB_ADDR, tcpBanner } from '../src/index.js';
import { netnsList, netnsPids, processAlive } from './helpers.js';

describe('createLab / destroy', () => {
  const labs: Lab[] = [];
  afterAll(async () => {
    for (const lab of labs) await lab.destroy();
  });

  it('creates the three namespaces with the brief’s topology and removes everything on destroy', async () => {
    const t0 = Date.now();
    const lab = await createLab();
    labs.push(lab);
    console.info(`createLab took ${Date.now() - t0} ms`);

    expect(lab.id).toMatch(new RegExp(`^gh-${process.pid}-[0-9a-f]{4}$`));
    expect(lab.ns).toEqual({
      client: `${lab.id}-client`,
      gateway: `${lab.id}-gw`,
      server: `${lab.id}-srv`,
    });
    expect(lab.ftpPorts).toEqual([21, 2121]);
    const names = Object.values(lab.ns);
    expect(await netnsList()).toEqual(expect.arrayContaining(names));

    // addresses and routes
    const addrs = async (where: 'client' | 'gateway' | 'server') =>
      (await lab.exec(where, 'ip', ['-4', '-o', 'addr', 'show'])).stdout;
    expect(await addrs('client')).toMatch(new RegExp(`eth0\\s+inet ${LAB_ADDR.client}/24`));
    const gw = await addrs('gateway');
    expect(gw).toMatch(new RegExp(`eth0\\s+inet ${LAB_ADDR.gatewayWan}/24`));
    expect(gw).toMatch(new RegExp(`eth1\\s+inet ${LAB_ADDR.gatewayLan}/24`));
    expect(gw).toMatch(/lo\s+inet 127\.0\.0\.1/);
    expect(await addrs('server')).toMatch(new RegExp(`eth0\\s+inet ${LAB_ADDR.server}/24`));
    expect((await lab.exec('gateway', 'sysctl', ['-n', 'net.ipv4.ip_forward'])).stdout.trim()).toBe('1');
    const srvRoutes = (await lab.exec('server', 'ip', ['-4', 'route', 'show'])).stdout;
    expect(srvRoutes).not.toMatch(/default/);
    expect((await lab.exec('client', 'ip', ['-4', 'route', 'show'])).stdout).toMatch(
      new RegExp(`default via ${LAB_ADDR.gatewayWan} dev eth0`),
    );
    // the services are running inside the namespaces
    const serverPids = await netnsPids(lab.ns.server);
    const gatewayPids = await netnsPids(lab.ns.gateway);
    expect(serverPids.length).toBeGreaterThanOrEqual(3); // 2 × vsftpd + banner
    expect(gatewayPids.length).toBeGreaterThanOrEqual(1); // banner
    const extra = lab.spawn('client', 'sleep', ['300']);
    await new Promise((r) => setTimeout(r, 200));
    const clientPids = await netnsPids(lab.ns.client);
    expect(clientPids.length).toBe(1);

    await lab.destroy();
    expect(lab.destroyed).toBe(true);
    const after = await netnsList();
    for (const n of names) expect(after).not.toContain(n);
    for (const pid of [...serverPids, ...gatewayPids, ...clientPids]) {
      expect(processAlive(pid), `pid ${pid} still alive`).toBe(false);
    }
    expect((await extra).isTerminated).toBe(true);
    expect(existsSync(lab.dir)).toBe(false);

    // idempotent, and the lab refuses further use
    await lab.destroy();
    await expect(lab.exec('client', 'true', [])).rejects.toThrow(/destroyed/);
  });

  it('withServers: false builds only the network', async () => {
    const lab = await createLab({ withServers: false });
    labs.push(lab);
    expect(lab.ftpPorts).toEqual([]);
    for (const ns of Object.values(lab.ns)) expect(await netnsPids(ns)).toEqual([]);
    // the WAN link works: the gateway answers (with a RST, nothing listens on 22)
    const probe = await tcpBanner(lab, { port: 22, timeoutMs: 2000 });
    expect(probe).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
    await lab.destroy();
    const after = await netnsList();
    for (const n of Object.values(lab.ns)) expect(after).not.toContain(n);
  });

  it('removes what it created and rethrows when creation fails midway', async () => {
    const mine = async () => (await netnsList()).filter((n) => n.startsWith(`gh-${process.pid}-`));
    const before = await mine();
    await expect(createLab({ vsftpdPath: '/bin/false' })).rejects.toThrow(/vsftpd on port 21 exited during startup/);
    expect(await mine()).toEqual(before);
  });

  it('rejects bad FTP port lists before creating anything', async () => {
    await expect(createLab({ ftpPorts: [22] })).rejects.toThrow(/banner/);
    await expect(createLab({ ftpPorts: [30010] })).rejects.toThrow(/passive range/);
    await expect(createLab({ ftpPorts: [21, 21] })).rejects.toThrow(/duplicate/);
  });
});
