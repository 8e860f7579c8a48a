/**
 * Issue #16, proved in the pair lab: two gateways with the same Gatehouse
 * ruleset, keepalived moving the virtual addresses, conntrackd (FTFW)
 * replicating flows and FTP expectations over the sync link. Each claim is
 * also run the other way: without conntrackd, or with masquerade instead of
 * SNAT to the virtual address, the same failover breaks the transfer.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPairLab, holdPassive, type Lab, PAIR_ADDR, PAIR_BIG_FILE, type PairLab } from '@gatehouse/lab';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compile, GatewayModel } from '../src/index.js';
import { type PairEngines, startPairEngines } from './support/ha-engines.js';
import { requireRoot } from './support/netns.js';

const GOLDEN = JSON.parse(readFileSync(join(import.meta.dirname, 'goldens', 'ha-pair.json'), 'utf8')).model;
/** The golden pair, with the pair lab's public virtual address (or another one). */
function pairModel(wanVip: string = PAIR_ADDR.wanVip): GatewayModel {
  const m = structuredClone(GOLDEN);
  m.ha.vrrp.wan.address = `${wanVip}/24`;
  return GatewayModel.parse(m);
}
const PAIR_MODEL = pairModel();
/** The same gateway without the pair's NAT: masquerade, as one gateway does. */
const { ha: _ha, ...SINGLE } = PAIR_MODEL;
const MASQUERADING = GatewayModel.parse(SINGLE);

let lab: PairLab;
let engines: PairEngines | undefined;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function load(model: GatewayModel): Promise<void> {
  for (const node of ['gwA', 'gwB'] as const) {
    await lab.exec(node, 'nft', ['-f', '-'], { input: compile(model) });
  }
}

/**
 * Starts a rate-limited passive download of the big file through the WAN
 * virtual address. `stallSeconds`: how long the transfer may stall before it
 * counts as failed.
 */
function download(out: string, stallSeconds = 15) {
  return lab.spawn(
    'client',
    'curl',
    [
      '-sS',
      '--ftp-pasv',
      '--disable-epsv',
      '--connect-timeout',
      '5',
      '--max-time',
      String(30 + stallSeconds * 2),
      // A stalled transfer is a failed one (a failover takes ~4 s, then TCP's next retransmission).
      '--speed-limit',
      '1',
      '--speed-time',
      String(stallSeconds),
      '-o',
      out,
      `ftp://${PAIR_ADDR.wanVip}/${PAIR_BIG_FILE.name}`,
    ],
    { stdin: 'ignore', all: true },
  );
}

/** What a client sees across one failover (A -> B): a download in progress and a held passive session. */
async function acrossFailover(name: string): Promise<{ download: { exit: number; sameFile: boolean }; data: string }> {
  const out = join(lab.dir, `${name}.bin`);
  const curl = download(out);
  // holdPassive only spawns in the client namespace, which the pair lab has too.
  const held = await holdPassive(lab as unknown as Lab, { host: PAIR_ADDR.wanVip, timeoutMs: 8_000 });
  try {
    expect(held.dataHost).toBe(PAIR_ADDR.wanVip);
    await new Promise((r) => setTimeout(r, 1500));
    await lab.linkDown('gwA');
    await engines?.waitMaster('gwB');
    const data = await held.connectData().catch((err: Error) => `failed: ${err.message}`);
    const r = await curl;
    let got = Buffer.alloc(0);
    try {
      got = readFileSync(out);
    } catch {
      // nothing arrived
    }
    return { download: { exit: r.exitCode ?? -1, sameFile: sha(got) === sha(lab.bigFile) }, data };
  } finally {
    await held.close();
  }
}

const fetchFromClient = (mode: 'passive' | 'active') =>
  lab.exec(
    'client',
    'curl',
    [
      '-sS',
      '--max-time',
      '6',
      ...(mode === 'passive' ? ['--ftp-pasv', '--disable-epsv'] : ['--ftp-port', '-', '--disable-eprt']),
      `ftp://${PAIR_ADDR.wanVip}/hello.txt`,
    ],
    { reject: false },
  );

beforeAll(async () => {
  requireRoot();
  lab = await createPairLab();
}, 60_000);

afterEach(async () => {
  await engines?.stop();
  engines = undefined;
  await lab.linkUp('gwA');
  await lab.linkUp('gwB');
});

afterAll(async () => {
  await lab?.destroy();
});

describe('the loss of the active gateway', () => {
  it('a download in progress completes through B (checksum equal), a passive session that got its 227 on A connects its data channel through B, and passive-only still holds on B', async () => {
    await load(PAIR_MODEL);
    engines = await startPairEngines(lab, PAIR_MODEL, { sync: true });
    await engines.waitMaster('gwA');
    const seen = await acrossFailover('synced');
    expect(seen.download).toEqual({ exit: 0, sameFile: true });
    expect(seen.data).toContain(PAIR_BIG_FILE.name);
    expect(engines.notifyLog('gwB')).toMatch(/ primary -c exit=0\n/);
    expect((await fetchFromClient('passive')).exitCode).toBe(0);
    expect((await fetchFromClient('active')).exitCode).not.toBe(0);
  }, 120_000);

  it('the other way: without conntrackd, B knows neither the flow nor the expectation, and both break', async () => {
    await load(PAIR_MODEL);
    engines = await startPairEngines(lab, PAIR_MODEL, { sync: false });
    await engines.waitMaster('gwA');
    const seen = await acrossFailover('unsynced');
    expect(seen.download.sameFile).toBe(false);
    expect(seen.download.exit).not.toBe(0);
    expect(seen.data).toMatch(/^failed: /);
  }, 120_000);

  it('the other way: with masquerade (the node’s own address), the server answers the dead node', async () => {
    await load(MASQUERADING);
    engines = await startPairEngines(lab, PAIR_MODEL, { sync: true });
    await engines.waitMaster('gwA');
    const seen = await acrossFailover('masqueraded');
    expect(seen.download.sameFile).toBe(false);
    expect(seen.download.exit).not.toBe(0);
  }, 120_000);

  it('fails back cleanly when A returns: A takes over again, the download continues, no sync errors', async () => {
    await load(PAIR_MODEL);
    engines = await startPairEngines(lab, PAIR_MODEL, { sync: true });
    await engines.waitMaster('gwA');
    await lab.linkDown('gwA');
    await engines.waitMaster('gwB');
    const out = join(lab.dir, 'failback.bin');
    // The failback moves the addresses while the transfer runs: on a loaded
    // box (the suite's other files beside it) the move and the commit of the
    // synced flows can take long enough that TCP's backed-off retransmission
    // comes more than 15 s after the last packet that got through (seen once
    // in CI: curl gave up after 15 s). The claim is that the transfer
    // continues with the same bytes, not how soon.
    const curl = download(out, 40);
    await new Promise((r) => setTimeout(r, 2500));
    await lab.linkUp('gwA');
    await engines.waitMaster('gwA');
    const r = await curl;
    expect({ exit: r.exitCode, sameFile: sha(readFileSync(out)) === sha(lab.bigFile) }).toEqual({
      exit: 0,
      sameFile: true,
    });
    for (const node of ['gwA', 'gwB'] as const) {
      expect(readFileSync(join(lab.dir, `conntrackd-${node}.log`), 'utf8')).not.toMatch(/\[ERROR\]/);
    }
  }, 150_000);
});
