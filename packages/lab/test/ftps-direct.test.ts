import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FtpsServer, Lab } from '../src/index.js';
import { createLab, FTPS_PASV_PORT_RANGE, ftpsFetch, LAB_ADDR, startFtpsServer } from '../src/index.js';

// The lab FTPS server seen from the gateway over the LAN: no NAT involved.
describe('vsftpd with ssl_enable=YES on the server (no NAT)', () => {
  let lab: Lab;
  let ftps: FtpsServer;
  const blob = randomBytes(64 * 1024);
  beforeAll(async () => {
    lab = await createLab({ withServers: false });
    ftps = await startFtpsServer(lab, { port: 21, pasvAddress: '192.0.2.2', files: { 'blob.bin': blob } });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  it('serves a file over TLS only, announcing pasv_address from its stated range', async () => {
    // curl connects to the control peer, not the announced 192.0.2.2 (which the gateway has no route to use here)
    const r = await ftpsFetch(lab, { from: 'gateway', host: LAB_ADDR.server, path: 'blob.bin', usePasvAddress: false });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(createHash('sha256').update(r.body).digest('hex')).toBe(createHash('sha256').update(blob).digest('hex'));
    expect(r.transcript).toMatch(/^> AUTH (TLS|SSL)/m);
    expect(r.pasvAddress?.host).toBe('192.0.2.2');
    expect(r.pasvAddress?.port).toBeGreaterThanOrEqual(FTPS_PASV_PORT_RANGE.min);
    expect(r.pasvAddress?.port).toBeLessThanOrEqual(FTPS_PASV_PORT_RANGE.max);
  });

  it('refuses a plain (non-TLS) login', async () => {
    const r = await lab.exec('gateway', 'curl', ['-sS', '--max-time', '5', `ftp://${LAB_ADDR.server}/`], {
      reject: false,
    });
    expect(r.exitCode).not.toBe(0);
  });

  it('stop() ends the server: its port refuses connections', async () => {
    expect(ftps.pid).toBeGreaterThan(0);
    await ftps.stop();
    const r = await ftpsFetch(lab, { from: 'gateway', host: LAB_ADDR.server, timeoutSec: 3 });
    expect(r.exitCode).toBe(7);
  });
});
