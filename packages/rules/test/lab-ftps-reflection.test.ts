/**
 * FTPS forwards and NAT reflection (issue #13 sections 2 and 3), proven with
 * real traffic in one lab: a real vsftpd with ssl_enable=YES (certificate made
 * now by openssl) and a plain vsftpd behind the real ruleset, real curl from
 * the public client and from a LAN client on the gateway's LAN segment, and
 * the gateway's real conntrack table. Every claim is shown both ways.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  addLanClient,
  createLab,
  ftpFetch,
  ftpsFetch,
  LAB_ADDR,
  LAB_BANNER,
  type Lab,
  type LanClient,
  startFtpsServer,
  tcpBanner,
} from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { requireRoot } from './support/netns.js';

const FAIL_FAST = 4; // seconds: the failures expected here are connection failures
const PASSIVE = { min: 40000, max: 40009 };
const PASSIVE_NO_ADDR = { min: 40010, max: 40019 };
const BLOB = randomBytes(256 * 1024);
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

type ForwardInput = NonNullable<GatewayModelInput['forwards']>[number];

const SSH: ForwardInput = { id: 'ssh', name: 'ssh', publicPorts: '22', target: LAB_ADDR.server };
const FTP: ForwardInput = { id: 'ftp', name: 'FTP', publicPorts: '2121', target: LAB_ADDR.server };
const FTPS_PLAIN: ForwardInput = { id: 'ftps', name: 'FTPS', publicPorts: '21', target: LAB_ADDR.server };
const FTPS: ForwardInput = { ...FTPS_PLAIN, ftps: { passivePorts: `${PASSIVE.min}-${PASSIVE.max}` } };
const FTPS_NO_ADDR: ForwardInput = {
  id: 'ftps-no-addr',
  name: 'FTPS without pasv_address',
  publicPorts: '990',
  target: LAB_ADDR.server,
  ftps: { passivePorts: `${PASSIVE_NO_ADDR.min}-${PASSIVE_NO_ADDR.max}` },
};

function labModel(over: Partial<GatewayModelInput> = {}): GatewayModel {
  return GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
    forwards: [SSH, FTP, FTPS_PLAIN],
    masquerade: { forwardedServers: true, lanToWan: true },
    ftp: { enabled: true, controlPorts: [21, 2121], servers: [LAB_ADDR.server] },
    ...over,
  });
}

/** The compiled script without one chain (to show what that chain does). */
function withoutChain(script: string, name: string): string {
  const lines = script.split('\n');
  const start = lines.findIndex((l) => l.trim() === `chain ${name} {`);
  if (start < 0) throw new Error(`no chain ${name}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '}');
  return [...lines.slice(0, start), ...lines.slice(end + 1)].join('\n');
}

/** The compiled script without the rules whose comment starts with `text`. */
function withoutRules(script: string, text: string): string {
  const out = script
    .split('\n')
    .filter((l) => !l.includes(`comment "${text}`))
    .join('\n');
  if (out === script) throw new Error(`no rule "${text}"`);
  return out;
}

describe('FTPS and NAT reflection through the lab gateway', () => {
  let lab: Lab;
  let lan: LanClient;
  let gw: Runner;
  const load = (script: string) => applyRuleset(script, { runner: gw });
  const apply = (m: GatewayModel) => load(compile(m));

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ ftpPorts: [2121] });
    gw = createRunner({ netns: lab.ns.gateway });
    await startFtpsServer(lab, {
      port: 21,
      passivePorts: PASSIVE,
      pasvAddress: LAB_ADDR.gatewayWan,
      files: { 'blob.bin': BLOB },
    });
    await startFtpsServer(lab, { port: 990, passivePorts: PASSIVE_NO_ADDR, files: { 'blob.bin': BLOB } });
    lan = await addLanClient(lab);
  }, 60_000);
  afterAll(async () => {
    await lan?.destroy();
    await lab?.destroy();
  });

  describe('FTPS (encrypted control channel)', () => {
    it('fails with the plain helper setup: login works, the data connection to the passive port does not', async () => {
      await apply(labModel());
      const r = await ftpsFetch(lab, { path: 'blob.bin', timeoutSec: FAIL_FAST });
      expect(r.transcript).toMatch(/^< 230 /m); // logged in over TLS...
      expect(r.pasvAddress?.host).toBe(LAB_ADDR.gatewayWan); // ...the server announces the public address...
      expect(r.pasvAddress?.port).toBeGreaterThanOrEqual(PASSIVE.min);
      // ...but the helper saw nothing: no expectation, no DNAT for the data port, so the gateway
      // itself refuses the data connection (curl exit 7: nothing listens there)
      expect(r.exitCode).toBe(7);
      // conntrack: the helper sat on the control flow, yet no data flow was DNATed to the server
      const flows = await lab.exec('gateway', 'conntrack', ['-L', '-p', 'tcp', '--orig-dst', LAB_ADDR.gatewayWan]);
      expect(flows.stdout).toMatch(/dport=21 .*helper=ftp/);
      expect(flows.stdout).not.toMatch(new RegExp(`dport=${r.pasvAddress?.port} .*src=${LAB_ADDR.server}`));
    });

    it('works with the FTPS forward: the passive range is forwarded, the file arrives intact', async () => {
      const m = labModel({ forwards: [SSH, FTP, FTPS], ftp: { enabled: true, controlPorts: [2121] } });
      expect(compile(m)).toContain(`${PASSIVE.min}-${PASSIVE.max} comment "forward ftps" : ${LAB_ADDR.server}`);
      await apply(m);
      const r = await ftpsFetch(lab, { path: 'blob.bin' });
      expect(r.exitCode, r.transcript).toBe(0);
      expect(sha256(r.body)).toBe(sha256(BLOB));
      expect(r.transcript).toMatch(/^> AUTH (TLS|SSL)/m);
      // the data flow is an ordinary DNATed connection to a port of the stated range
      const flows = await lab.exec('gateway', 'conntrack', ['-L', '-p', 'tcp', '--orig-dst', LAB_ADDR.gatewayWan]);
      expect(flows.stdout).toMatch(new RegExp(`dport=${r.pasvAddress?.port} .*src=${LAB_ADDR.server}`));
    });

    it('gets no FTP helper on its control port, while plain FTP on another forward keeps it; with the helper there, it sits on the FTPS control flow', async () => {
      // 21 is a control port, but only the FTPS forward exposes it: the rule names 2121 alone.
      const m = labModel({ forwards: [SSH, FTP, FTPS], ftp: { enabled: true, controlPorts: [21, 2121] } });
      const script = compile(m);
      const rule = `ip daddr ${LAB_ADDR.server} tcp dport 2121 ct helper set "ftp-incoming"`;
      expect(script).toContain(rule);
      const helperOn = async (port: number) => {
        const flows = await lab.exec('gateway', 'conntrack', ['-L', '-p', 'tcp', '--orig-dst', LAB_ADDR.gatewayWan]);
        return new RegExp(`dport=${port} .*helper=ftp`).test(flows.stdout);
      };
      const transfers = async () => {
        await lab.exec('gateway', 'conntrack', ['-F']); // the flows of earlier cases carry the helper still
        const ftps = await ftpsFetch(lab, { path: 'blob.bin' });
        expect(ftps.exitCode, ftps.transcript).toBe(0);
        expect(sha256(ftps.body)).toBe(sha256(BLOB));
        const plain = await ftpFetch(lab, { port: 2121, mode: 'passive', path: 'hello.txt' });
        expect(plain.exitCode, plain.transcript).toBe(0);
        expect(plain.pasvAddress?.host).toBe(LAB_ADDR.gatewayWan); // the helper rewrote the plain server's 227
      };
      await apply(m);
      await transfers();
      expect(await helperOn(21)).toBe(false);
      expect(await helperOn(2121)).toBe(true);
      // The rule as it was (every control port): the helper sits on the encrypted control flow too.
      await load(script.replace(rule, rule.replace('dport 2121', 'dport { 21, 2121 }')));
      await transfers();
      expect(await helperOn(21)).toBe(true);
      expect(await helperOn(2121)).toBe(true);
    });

    it('still needs the server to announce the public address: without pasv_address it fails', async () => {
      await apply(labModel({ forwards: [SSH, FTP, FTPS, FTPS_NO_ADDR], ftp: { enabled: true, controlPorts: [2121] } }));
      // curl goes to the private address (routed, but the server has no way back): a timeout
      const r = await ftpsFetch(lab, { port: 990, path: 'blob.bin', timeoutSec: 2 });
      expect(r.transcript).toMatch(/^< 230 /m);
      expect(r.pasvAddress?.host).toBe(LAB_ADDR.server); // the private address, unrewritable under TLS
      expect(r.ok).toBe(false);
    });
  });

  describe('NAT reflection (hairpin) from a LAN client to the public address', () => {
    // forwardedServers off: only reflection's own SNAT can make the server answer through the gateway.
    const base = {
      forwards: [SSH, FTP],
      masquerade: { forwardedServers: false, lanToWan: true },
      ftp: { enabled: true, controlPorts: [2121], servers: [LAB_ADDR.server] },
    };

    it('without reflection, plain TCP and FTP to the public address do not reach the server', async () => {
      await apply(labModel(base));
      const ssh = await tcpBanner(lan.view, { port: 22 });
      expect(ssh.banner).toBe(LAB_BANNER.gateway); // the gateway's own port 22, not the server
      const passive = await ftpFetch(lan.view, { port: 2121, mode: 'passive', timeoutSec: FAIL_FAST });
      expect(passive.ok).toBe(false);
      const active = await ftpFetch(lan.view, { port: 2121, mode: 'active', timeoutSec: FAIL_FAST });
      expect(active.ok).toBe(false);
    });

    it('with reflection, plain TCP, passive and active FTP reach the server through the gateway', async () => {
      await apply(labModel({ ...base, reflection: { enabled: true } }));
      const ssh = await tcpBanner(lan.view, { port: 22, send: 'ping' });
      expect(ssh).toMatchObject({ ok: true, banner: LAB_BANNER.server, echo: 'ping' });
      // the gateway's own LAN address (where an admin reaches the panel) is never reflected
      const own = await tcpBanner(lan.view, { host: LAB_ADDR.gatewayLan, port: 22 });
      expect(own.banner).toBe(LAB_BANNER.gateway);
      const passive = await ftpFetch(lan.view, { port: 2121, mode: 'passive', path: 'hello.txt' });
      expect(passive.exitCode, passive.transcript).toBe(0);
      expect(passive.pasvAddress?.host).toBe(LAB_ADDR.gatewayWan); // the helper rewrote it for the LAN client too
      const active = await ftpFetch(lan.view, { port: 2121, mode: 'active', path: 'hello.txt' });
      expect(active.exitCode, active.transcript).toBe(0);
      // conntrack: the LAN client's flow to the public address, answered by the server to the gateway's LAN address
      const flows = await lab.exec('gateway', 'conntrack', ['-L', '-p', 'tcp', '--orig-src', lan.address]);
      expect(flows.stdout).toMatch(
        new RegExp(
          `src=${lan.address} dst=${LAB_ADDR.gatewayWan} .*dport=2121 .*src=${LAB_ADDR.server} dst=${LAB_ADDR.gatewayLan} .*helper=ftp`,
        ),
      );
    });

    it("without reflection's SNAT the server answers the LAN client directly and the connection fails", async () => {
      const script = compile(labModel({ ...base, reflection: { enabled: true } }));
      await load(withoutRules(script, 'reflection: LAN clients of the public address'));
      const ssh = await tcpBanner(lan.view, { port: 22, timeoutMs: 2000 });
      expect(ssh.ok).toBe(false);
    });

    it("the public address found by fib excludes the client's own LAN interface: without that, the LAN address is taken too", async () => {
      const script = compile(labModel({ ...base, reflection: { enabled: true } }));
      const broad = script.replaceAll('fib daddr type local fib daddr . iif type != local', 'fib daddr type local');
      expect(broad).not.toBe(script);
      await load(broad);
      const own = await tcpBanner(lan.view, { host: LAB_ADDR.gatewayLan, port: 22 });
      expect(own.banner).toBe(LAB_BANNER.server); // the gateway's own LAN address, reflected away
      await load(script);
      expect((await tcpBanner(lan.view, { host: LAB_ADDR.gatewayLan, port: 22 })).banner).toBe(LAB_BANNER.gateway);
    });

    it('without the LAN-side helper assignment reflected FTP fails, with it it works', async () => {
      const script = compile(labModel({ ...base, reflection: { enabled: true } }));
      await load(withoutChain(script, 'reflection_helpers'));
      const passive = await ftpFetch(lan.view, { port: 2121, mode: 'passive', timeoutSec: FAIL_FAST });
      expect(passive.pasvAddress?.host).toBe(LAB_ADDR.server); // nothing rewrote the 227 reply
      expect(passive.ok).toBe(false);
      await load(script);
      const again = await ftpFetch(lan.view, { port: 2121, mode: 'passive' });
      expect(again.exitCode, again.transcript).toBe(0);
    });

    it('per forward: only the reflected forward is reached; FTPS is reflected with its passive range', async () => {
      const m = labModel({
        ...base,
        forwards: [SSH, { ...FTP, reflection: true }, { ...FTPS, reflection: true }],
        ftp: { enabled: true, controlPorts: [2121], servers: [LAB_ADDR.server] },
      });
      await apply(m);
      const ssh = await tcpBanner(lan.view, { port: 22 });
      expect(ssh.banner).toBe(LAB_BANNER.gateway); // ssh is not reflected
      const ftp = await ftpFetch(lan.view, { port: 2121, mode: 'passive', path: 'hello.txt' });
      expect(ftp.exitCode, ftp.transcript).toBe(0);
      const ftps = await ftpsFetch(lan.view, { path: 'blob.bin' });
      expect(ftps.exitCode, ftps.transcript).toBe(0);
      expect(sha256(ftps.body)).toBe(sha256(BLOB));
      // and the public client is unaffected by reflection
      const wan = await tcpBanner(lab, { port: 2222 });
      expect(wan.banner).toBe(LAB_BANNER.gateway);
    });
  });
});
