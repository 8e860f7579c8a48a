import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lab } from '../src/index.js';
import { createLab, ftpFetch, holdPassive, LAB_ADDR, LAB_FILES, PASV_PORT_RANGE } from '../src/index.js';

// FTP from the gateway namespace straight to the server on the LAN: no NAT involved.
describe('vsftpd on the server, seen from the gateway (no NAT)', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await createLab({ ftpPorts: [21, 2121] });
  });
  afterAll(async () => {
    await lab?.destroy();
  });

  for (const port of [21, 2121]) {
    it(`passive LIST on ${LAB_ADDR.server}:${port} lists hello.txt`, async () => {
      const r = await ftpFetch(lab, { from: 'gateway', host: LAB_ADDR.server, port, mode: 'passive' });
      expect(r.exitCode, r.transcript).toBe(0);
      expect(r.ok).toBe(true);
      expect(r.body).toMatch(/hello\.txt/);
      expect(r.body).toMatch(/readme\.txt/);
      // vsftpd announces its own (private) address: pasv_address is not set
      expect(r.pasvReply).toMatch(/^227 Entering Passive Mode \(192,168,1,2,\d+,\d+\)/);
      expect(r.pasvAddress?.host).toBe(LAB_ADDR.server);
      const dataPort = r.pasvAddress?.port ?? 0;
      expect(dataPort).toBeGreaterThanOrEqual(PASV_PORT_RANGE.min);
      expect(dataPort).toBeLessThanOrEqual(PASV_PORT_RANGE.max);
      // the greeting tells which instance answered
      expect(r.transcript).toContain(`220 Gatehouse lab FTP server on port ${port}`);
    });

    it(`passive RETR hello.txt on port ${port} returns the known content`, async () => {
      const r = await ftpFetch(lab, {
        from: 'gateway',
        host: LAB_ADDR.server,
        port,
        path: 'hello.txt',
        mode: 'passive',
      });
      expect(r.exitCode, r.transcript).toBe(0);
      expect(r.body).toBe(LAB_FILES['hello.txt']);
    });
  }

  it('active RETR works directly (the server can reach the gateway on the LAN)', async () => {
    const r = await ftpFetch(lab, {
      from: 'gateway',
      host: LAB_ADDR.server,
      path: 'readme.txt',
      mode: 'active',
    });
    expect(r.exitCode, r.transcript).toBe(0);
    expect(r.body).toBe(LAB_FILES['readme.txt']);
    expect(r.portCommand).toMatch(/^PORT 192,168,1,1,\d+,\d+$/);
    expect(r.pasvReply).toBeUndefined();
  });

  it('missing files fail with curl exit 78 (RETR 550)', async () => {
    const r = await ftpFetch(lab, {
      from: 'gateway',
      host: LAB_ADDR.server,
      path: 'nope.txt',
      mode: 'passive',
    });
    expect(r.ok).toBe(false);
    expect(r.exitCode).toBe(78);
  });

  it('the server is read-only for anonymous users', async () => {
    const r = await lab.exec(
      'gateway',
      'curl',
      ['-sS', '--max-time', '8', '--disable-epsv', '-T', '-', `ftp://${LAB_ADDR.server}/upload.txt`],
      { input: 'x', reject: false },
    );
    expect(r.exitCode).not.toBe(0);
  });

  it('vsftpd logs the peer address it saw', async () => {
    await ftpFetch(lab, { from: 'gateway', host: LAB_ADDR.server, port: 2121, mode: 'passive' });
    const log = await lab.ftpLog(2121);
    expect(log).toContain(`CONNECT: Client "${LAB_ADDR.gatewayLan}"`);
  });

  it('holdPassive keeps a PASV pending until the data channel is connected', async () => {
    const held = await holdPassive(lab, { from: 'gateway', host: LAB_ADDR.server, port: 21 });
    try {
      expect(held.pasvReply).toMatch(/^227 /);
      expect(held.dataHost).toBe(LAB_ADDR.server);
      expect(held.dataPort).toBeGreaterThanOrEqual(PASV_PORT_RANGE.min);
      expect(held.controlSourceAddress).toBe(LAB_ADDR.gatewayLan);
      expect(held.controlSourcePort).toBeGreaterThan(0);
      // the server is listening on the announced data port and nobody has connected yet
      const ss = await lab.exec('server', 'ss', ['-Htn', 'state', 'listening', 'sport', '=', `:${held.dataPort}`]);
      expect(ss.stdout).toContain(`${LAB_ADDR.server}:${held.dataPort}`);
      const listing = await held.connectData();
      expect(listing).toMatch(/hello\.txt/);
    } finally {
      await held.close();
    }
    await held.close(); // idempotent
  });
});
