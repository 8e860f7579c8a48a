/**
 * The product's reason to exist, proven with real traffic: a real vsftpd
 * behind a real nftables gateway, a real curl on the public side, in a lab of
 * three network namespaces (packages/lab). Every claim is shown both ways:
 * it works with the rule and fails without it.
 */
import { createLab, ftpFetch, holdPassive, LAB_ADDR, LAB_BANNER, LAB_FILES, type Lab, tcpBanner } from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { detectDrift } from '../src/drift.js';
import { GatewayModel, type GatewayModelInput } from '../src/model.js';
import { applyRuleset, NftError, readTable } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { requireRoot } from './support/netns.js';

const PUBLIC = LAB_ADDR.gatewayWan;
const FAIL_FAST = 4; // seconds: failures are expected to be connection failures, not slow successes

/** The brief's final configuration, with switches for what each test varies. */
function labModel(
  over: {
    ftp?: GatewayModelInput['ftp'];
    forwards?: GatewayModelInput['forwards'];
    filter?: GatewayModelInput['filter'];
  } = {},
) {
  return GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
    forwards: over.forwards ?? [
      { id: 'server', name: 'server', publicPorts: '1-2221,2223-29999', target: LAB_ADDR.server },
    ],
    masquerade: { forwardedServers: true, lanToWan: true },
    ftp: over.ftp ?? { enabled: false },
    filter: over.filter ?? { policy: 'accept' },
  });
}

const helperOn = (extra: Partial<NonNullable<GatewayModelInput['ftp']>> = {}) => ({
  enabled: true,
  controlPorts: [21],
  servers: [LAB_ADDR.server],
  ...extra,
});

describe('FTP through the lab gateway', () => {
  let lab: Lab;
  let gw: Runner;
  const apply = (m: GatewayModel) => applyRuleset(compile(m), { runner: gw });

  beforeAll(async () => {
    requireRoot();
    lab = await createLab({ ftpPorts: [21, 2121] });
    gw = createRunner({ netns: lab.ns.gateway });
  }, 60_000);
  afterAll(async () => {
    await lab?.destroy();
  });

  it('1. without the helper: an ssh-like TCP forward works, passive FTP fails', async () => {
    // Without our table, 192.0.2.2:22 is the gateway's own service and the server is unreachable.
    expect((await tcpBanner(lab, { port: 22 })).banner).toBe(LAB_BANNER.gateway);
    await apply(labModel());
    expect((await tcpBanner(lab, { port: 22 })).banner).toBe(LAB_BANNER.server);
    expect((await tcpBanner(lab, { port: 2222 })).banner).toBe(LAB_BANNER.gateway);

    const passive = await ftpFetch(lab, { mode: 'passive', path: '', timeoutSec: FAIL_FAST });
    expect(passive.transcript).toMatch(/230 /); // the control connection works...
    expect(passive.pasvReply).toMatch(/\(192,168,1,2,/); // ...but the private address leaks
    expect(passive.ok).toBe(false);
  });

  it('2. with the helper: passive LIST and RETR work and the 227 reply carries the public address', async () => {
    await apply(labModel({ ftp: helperOn() }));
    const list = await ftpFetch(lab, { mode: 'passive', path: '' });
    expect(list.ok, list.transcript).toBe(true);
    expect(list.pasvReply).toMatch(/\(192,0,2,2,/);
    expect(list.pasvAddress?.host).toBe(PUBLIC);
    expect(list.body).toContain('hello.txt');

    const retr = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt' });
    expect(retr.ok, retr.transcript).toBe(true);
    expect(retr.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());
  });

  it('3. the helper on a non-standard control port (2121) works the same, and only where it is set', async () => {
    await apply(labModel({ ftp: helperOn({ controlPorts: [21] }) }));
    const unhelped = await ftpFetch(lab, { mode: 'passive', port: 2121, path: 'hello.txt', timeoutSec: FAIL_FAST });
    expect(unhelped.pasvReply).toMatch(/\(192,168,1,2,/);
    expect(unhelped.ok).toBe(false);

    await apply(labModel({ ftp: helperOn({ controlPorts: [2121] }) }));
    const helped = await ftpFetch(lab, { mode: 'passive', port: 2121, path: 'hello.txt' });
    expect(helped.ok, helped.transcript).toBe(true);
    expect(helped.pasvReply).toMatch(/\(192,0,2,2,/);
    expect(helped.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());
  });

  it('4. active FTP works without passive-only; with passive-only it fails while passive still works', async () => {
    await apply(labModel({ ftp: helperOn() }));
    const active = await ftpFetch(lab, { mode: 'active', path: 'hello.txt' });
    expect(active.ok, active.transcript).toBe(true);
    expect(active.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());

    await apply(labModel({ ftp: helperOn({ passiveOnly: true }) }));
    const refused = await ftpFetch(lab, { mode: 'active', path: 'hello.txt', timeoutSec: 6 });
    expect(refused.ok).toBe(false);
    expect(refused.body).toBe('');
    const dropped = await gw.run('nft', ['list', 'chain', 'ip', 'gatehouse', 'forward_filter']);
    // The drop rule counts what it refused: the active attempt above raised it.
    expect(dropped.stdout).toMatch(/ct helper "ftp" counter packets [1-9]\d* bytes \d+ drop/);

    const passive = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt' });
    expect(passive.ok, passive.transcript).toBe(true);
    expect(passive.body.trimEnd()).toBe(LAB_FILES['hello.txt'].trimEnd());
  });

  it('holds an expectation in the kernel while a PASV is open, and consumes it on connect', async () => {
    await apply(labModel({ ftp: helperOn() }));
    const held = await holdPassive(lab);
    try {
      expect(held.dataHost).toBe(PUBLIC);
      const expectations = await gw.run('conntrack', ['-L', 'expect'], { reject: false });
      expect(expectations.stdout).toMatch(
        new RegExp(`dport=${held.dataPort} .*master-src=${LAB_ADDR.client}.*helper=ftp`),
      );
      const listing = await held.connectData();
      expect(listing).toContain('hello.txt');
    } finally {
      await held.close();
    }
  });

  it('5. a table created by someone else in the gateway survives every apply', async () => {
    const foreign =
      'table inet fail2ban_like {\n\tset banned {\n\t\ttype ipv4_addr\n\t\telements = { 203.0.113.66 }\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter - 1; policy accept;\n\t\tip saddr @banned drop\n\t}\n}\n';
    await gw.run('nft', ['-f', '-'], { input: foreign });
    const before = (await gw.run('nft', ['list', 'table', 'inet', 'fail2ban_like'])).stdout;
    for (const m of [
      labModel(),
      labModel({ ftp: helperOn() }),
      labModel({ ftp: helperOn({ passiveOnly: true }), filter: { policy: 'drop' } }),
      labModel({ forwards: [] }),
    ]) {
      await apply(m);
      expect((await gw.run('nft', ['list', 'table', 'inet', 'fail2ban_like'])).stdout).toBe(before);
    }
    await gw.run('nft', ['delete', 'table', 'inet', 'fail2ban_like']);
  });

  it('6. a script nft rejects leaves the previously applied ruleset, and FTP, untouched', async () => {
    await apply(labModel({ ftp: helperOn() }));
    const before = await readTable('gatehouse', { runner: gw });
    const bad = compile(labModel()).replace('ct status dnat masquerade', 'ct status dnat masquerade to :70000');
    await expect(applyRuleset(bad, { runner: gw })).rejects.toBeInstanceOf(NftError);
    expect(await readTable('gatehouse', { runner: gw })).toBe(before);
    const still = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt' });
    expect(still.ok, still.transcript).toBe(true);
  });

  it('7. drift: a rule added by hand to our table is detected', async () => {
    await apply(labModel({ ftp: helperOn() }));
    const baseline = (await readTable('gatehouse', { runner: gw })) as string;
    expect((await detectDrift('gatehouse', baseline, { runner: gw })).drifted).toBe(false);
    await gw.run('nft', [
      'insert',
      'rule',
      'ip',
      'gatehouse',
      'dnat_prerouting',
      'tcp',
      'dport',
      '8022',
      'dnat',
      'to',
      '192.168.1.2:22',
    ]);
    const drift = await detectDrift('gatehouse', baseline, { runner: gw });
    expect(drift.drifted).toBe(true);
    expect(drift.added).toContain('tcp dport 8022 dnat to 192.168.1.2:22');
  });
});
