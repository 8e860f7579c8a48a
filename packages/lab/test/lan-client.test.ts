import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab, LanClient } from '../src/index.js';
import { addLanClient, createLab, ftpFetch, LAB_ADDR, LAB_BANNER, listNetns, tcpBanner } from '../src/index.js';

// A second LAN host on the gateway's segment (the server namespace bridges it in); the gateway is unchanged.
describe('addLanClient', () => {
  let lab: Lab;
  let lan: LanClient;
  beforeAll(async () => {
    lab = await createLab({ ftpPorts: [21] });
    lan = await addLanClient(lab);
  });
  afterAll(async () => {
    await lan?.destroy();
    await lab?.destroy();
  });

  it('reaches the server directly at layer 2 and the gateway on its LAN address', async () => {
    expect(lan.address).toBe('192.168.1.3');
    const server = await tcpBanner(lan.view, { host: LAB_ADDR.server, port: 22 });
    expect(server.banner).toBe(LAB_BANNER.server);
    const gateway = await tcpBanner(lan.view, { host: LAB_ADDR.gatewayLan, port: 22 });
    expect(gateway.banner).toBe(LAB_BANNER.gateway);
    // straight to the server: no hop through the gateway (same segment)
    const route = await lan.view.exec('client', 'ip', ['route', 'get', LAB_ADDR.server]);
    expect(route.stdout).not.toContain('via');
  });

  it('leaves the gateway and the server as they were: FTP from the gateway still works', async () => {
    const links = await lab.exec('gateway', 'ip', ['-o', 'link']);
    expect(links.stdout).not.toMatch(/br0/);
    const r = await ftpFetch(lab, { from: 'gateway', host: LAB_ADDR.server, mode: 'passive', path: 'hello.txt' });
    expect(r.exitCode, r.transcript).toBe(0);
  });

  it('has no route to the public side except through the gateway, and destroy() removes its namespace', async () => {
    const route = await lan.view.exec('client', 'ip', ['route', 'get', LAB_ADDR.gatewayWan]);
    expect(route.stdout).toContain(`via ${LAB_ADDR.gatewayLan}`);
    const ns = lan.ns;
    expect(listNetns()).toContain(ns);
    await lan.destroy();
    expect(listNetns()).not.toContain(ns);
  });
});
