import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/index.js';
import { createLab, ftpFetch, holdPassive, LAB_ADDR, LAB_BANNER, tcpBanner } from '../src/index.js';

// Without any nftables rule: the public side cannot reach the server, the
// gateway's own services are reachable directly.
describe('reachability without NAT rules', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await createLab();
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('the gateway has no ruleset (nothing installed by the lab)', async () => {
    const r = await lab.exec('gateway', 'nft', ['list', 'ruleset']);
    expect(r.stdout.trim()).toBe('');
  });

  it('the client cannot connect to the server (no route back from the server)', async () => {
    const r = await tcpBanner(lab, { host: LAB_ADDR.server, port: 22, timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.banner).toBe('');
    const ftp = await ftpFetch(lab, { host: LAB_ADDR.server, port: 21, mode: 'passive', timeoutSec: 3 });
    expect(ftp.ok).toBe(false);
    expect([7, 28]).toContain(ftp.exitCode);
  });

  it('the server has no route to the public network', async () => {
    const r = await lab.exec('server', 'ip', ['route', 'get', LAB_ADDR.client], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/unreachable/i);
  });

  it("the gateway's own port-22 banner answers the client at 192.0.2.2:22 and echoes", async () => {
    const r = await tcpBanner(lab, { port: 22, send: 'ping' });
    expect(r).toEqual({ ok: true, banner: LAB_BANNER.gateway, echo: 'ping' });
  });

  it("the server's banner answers on the LAN", async () => {
    const r = await tcpBanner(lab, { from: 'gateway', host: LAB_ADDR.server, port: 22 });
    expect(r).toEqual({ ok: true, banner: LAB_BANNER.server });
  });

  it('FTP to the gateway public address fails without DNAT (nothing listens on 192.0.2.2:21)', async () => {
    const r = await ftpFetch(lab, { mode: 'passive', timeoutSec: 3 });
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(7);
    await expect(holdPassive(lab, { timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
  });

  it('management port 2222 is closed without rules', async () => {
    const r = await tcpBanner(lab, { port: 2222, timeoutMs: 2000 });
    expect(r).toMatchObject({ ok: false, error: 'ECONNREFUSED' });
  });
});
