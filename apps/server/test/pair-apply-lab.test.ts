/**
 * Issue #16, proof 4, with two real panels in the pair lab (packages/lab
 * pair-panels.ts, also what `npm run demo -- --ha` runs): the built server in
 * each gateway namespace (gw-a, gw-b), its keepalived and conntrackd as its
 * children, the panels talking over the sync link with the peer token.
 *
 * - A revision applied through gw-a's panel is on both nodes: the two kernels'
 *   tables are the same, both histories say so, gw-a reads gw-b's connection
 *   table (node=gw-b) and sees a flow only gw-b has, which its own lacks.
 * - A revision the peer refuses changes neither node: both tables
 *   byte-identical before and after, the error names gw-b and why.
 * - POST /pair/failover on gw-a: gw-b takes the virtual addresses while a
 *   rate-limited download through them is in progress, which completes with
 *   the same checksum, and a new passive FTP transfer works through gw-b;
 *   POST /pair/resume: gw-a takes them back and passive FTP still works.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPairLab,
  PAIR_ADDR,
  PAIR_BIG_FILE,
  type PairLab,
  type PairPanels,
  startPairPanels,
} from '@gatehouse/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers.js';

const SERVER_JS = join(import.meta.dirname, '..', 'dist', 'server.js');
const PEER_TOKEN = `pair-lab-${randomBytes(16).toString('hex')}`;

let lab: PairLab;
let panels: PairPanels;
const token: Record<'gwA' | 'gwB', string> = { gwA: '', gwB: '' };

const table = async (node: 'gwA' | 'gwB') =>
  (await lab.exec(node, 'nft', ['-s', 'list', 'table', 'ip', 'gatehouse'], { reject: false })).stdout;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const api = (node: 'gwA' | 'gwB', method: string, path: string, body?: unknown) =>
  panels.request(node, method, path, { token: token[node], ...(body !== undefined ? { body } : {}) });

/** A passive FTP transfer of a small file from the client through the WAN virtual address. */
const passiveFetch = () =>
  lab.exec(
    'client',
    'curl',
    ['-sS', '--max-time', '8', '--ftp-pasv', '--disable-epsv', `ftp://${PAIR_ADDR.wanVip}/hello.txt`],
    { reject: false, timeoutMs: 12_000 },
  );

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('the pair lab creates network namespaces: run as root');
  lab = await createPairLab();
  panels = await startPairPanels(lab, {
    entry: SERVER_JS,
    work: join(tmpdir(), `gatehouse-pair-panels-${process.pid}-${randomBytes(2).toString('hex')}`),
    adminPassword: `Pair-lab-${randomBytes(9).toString('base64url')}`,
    peerToken: PEER_TOKEN,
    output: 'ignore',
  });
  token.gwA = await panels.adminToken('gwA');
  token.gwB = await panels.adminToken('gwB');
}, 90_000);

afterAll(async () => {
  await panels?.stop();
  await lab?.destroy();
}, 30_000);

describe('the pair managed as one, two real panels', () => {
  it('a revision applied through gw-a’s panel is on both nodes; gw-a reads gw-b’s table', async () => {
    expect(await table('gwA')).toBe('');
    expect(await panels.applyPair()).toBe('applied through gw-a on both nodes');
    const a = await table('gwA');
    expect(a).toMatch(/snat (ip )?to 192\.168\.1\.1/);
    expect(await table('gwB')).toBe(a);
    const [ra, rb] = [(await api('gwA', 'GET', '/revisions')).body, (await api('gwB', 'GET', '/revisions')).body];
    expect(ra.items[0].nodes).toEqual(['gw-a', 'gw-b']);
    expect(rb.items[0].origin).toEqual({ node: 'gw-a', revisionId: ra.items[0].id });
    await panels.waitMaster('gwA');

    // A flow that only gw-b has (the client to gw-b's own address, which conntrackd does not sync):
    // gw-a's panel shows it with node=gw-b, and not in its own table.
    const own = await lab.exec('client', 'curl', ['-sS', '-m', '3', `http://${PAIR_ADDR.gwB.wan}:8080/api/v1/health`]);
    expect(own.stdout).toContain('ok');
    const onB = await waitFor(
      'gw-b’s flow in its table read through gw-a',
      async () => {
        const r = await api('gwA', 'GET', `/conntrack/count?node=gw-b&address=${PAIR_ADDR.gwB.wan}&port=8080`);
        return r.status === 200 && r.body.count > 0 ? r : null;
      },
      10_000,
      250,
    );
    expect(onB.body.count).toBeGreaterThan(0);
    const page = await api('gwA', 'GET', `/conntrack?node=gw-b&address=${PAIR_ADDR.client}&port=8080`);
    expect(page.status, page.text).toBe(200);
    expect(page.body.items[0].original).toMatchObject({ src: PAIR_ADDR.client, dst: PAIR_ADDR.gwB.wan, dport: 8080 });
    const onA = await api('gwA', 'GET', `/conntrack/count?address=${PAIR_ADDR.gwB.wan}&port=8080`);
    expect(onA.body.count).toBe(0);
    expect((await api('gwA', 'GET', '/expectations?node=gw-b')).status).toBe(200);

    // The peer token reads gw-b's own tables (node= never sends a peer's read on), and nothing else.
    const asPeer = (method: string, path: string) =>
      lab.exec('gwA', 'curl', [
        '-sS',
        '-m',
        '5',
        '-X',
        method,
        '-H',
        `authorization: Peer ${PEER_TOKEN}`,
        '-w',
        '\n%{http_code}',
        `http://${PAIR_ADDR.gwB.sync}:8080/api/v1${path}`,
      ]);
    // node=gw-a from gw-a's peer token: still gw-b's own table (the flow only gw-b has is there).
    const peerRead = (
      await asPeer('GET', `/conntrack/count?node=gw-a&address=${PAIR_ADDR.gwB.wan}&port=8080`)
    ).stdout.split('\n');
    expect(peerRead.at(-1)).toBe('200');
    expect(JSON.parse(peerRead[0] as string).count).toBeGreaterThan(0);
    const peerFailover = (await asPeer('POST', '/pair/failover')).stdout;
    expect(peerFailover).toMatch(/peer_not_allowed[\s\S]*\n403$/);
  }, 60_000);

  it('a revision the peer refuses changes neither node, and says gw-b refused and why', async () => {
    const before = { a: await table('gwA'), b: await table('gwB') };
    const revsB = (await api('gwB', 'GET', '/revisions')).body.items.length;
    const cfg = await api('gwA', 'GET', '/config');
    const original = cfg.body;
    // gw-a's pair names its peer gw-c, at gw-b's URL: gw-b refuses a pair that does not name it.
    const wrong = structuredClone(original);
    wrong.ha.nodes[1].name = 'gw-c';
    wrong.forwards.push({ id: 'ssh', name: 'ssh', publicPorts: '2222', target: PAIR_ADDR.server, targetPort: 22 });
    const put = await panels.request('gwA', 'PUT', '/config', {
      token: token.gwA,
      body: wrong,
      headers: { 'if-match': cfg.etag },
    });
    expect(put.status, put.text).toBe(200);
    const r = await api('gwA', 'POST', '/apply', {});
    expect(r.status, r.text).toBe(409);
    expect(r.body).toMatchObject({ error: 'pair_peer_refused', phase: 'check', rolledBack: false });
    expect(r.body.reason).toContain('gw-b');
    expect(await table('gwA')).toBe(before.a);
    expect(await table('gwB')).toBe(before.b);
    expect((await api('gwB', 'GET', '/revisions')).body.items.length).toBe(revsB);
    // The draft goes back to what both nodes run.
    const back = await panels.request('gwA', 'PUT', '/config', {
      token: token.gwA,
      body: original,
      headers: { 'if-match': put.etag },
    });
    expect(back.status, back.text).toBe(200);
  }, 30_000);

  it('failover by hand: gw-b takes the addresses, a download in progress completes, passive FTP works; resume', async () => {
    const out = join(lab.dir, 'across-failover.bin');
    const download = lab.spawn(
      'client',
      'curl',
      [
        '-sS',
        '--ftp-pasv',
        '--disable-epsv',
        '--max-time',
        '40',
        '--speed-limit',
        '1',
        '--speed-time',
        '15',
        '-o',
        out,
        `ftp://${PAIR_ADDR.wanVip}/${PAIR_BIG_FILE.name}`,
      ],
      { stdin: 'ignore' },
    );
    await waitFor(
      'the download to be under way',
      async () => (statSync(out, { throwIfNoEntry: false })?.size ?? 0) > 0,
      8000,
    );
    const failover = await api('gwA', 'POST', '/pair/failover', { comment: 'pair lab' });
    expect(failover.status, failover.text).toBe(200);
    expect(failover.body).toMatchObject({ node: 'gw-a', peer: 'gw-b', released: ['wan', 'lan'], stillHeld: [] });
    // Still in progress when the addresses moved.
    expect(statSync(out).size).toBeLessThan(PAIR_BIG_FILE.bytes);
    await panels.waitMaster('gwB', 10_000);
    const done = await download;
    expect(done.exitCode, String(done.stderr)).toBe(0);
    expect(sha(readFileSync(out))).toBe(sha(lab.bigFile));
    const viaB = await passiveFetch();
    expect(viaB.exitCode, viaB.stderr).toBe(0);
    expect(viaB.stdout).toContain('Hello from');
    const pairOnB = (await api('gwB', 'GET', '/pair')).body;
    expect(pairOnB.instances.map((i: { state: string }) => i.state)).toEqual(['master', 'master']);
    // Held down: gw-a does not take the addresses back on its own.
    expect(await panels.holdsVips('gwA')).toBe(false);

    const resume = await api('gwA', 'POST', '/pair/resume', {});
    expect(resume.body).toEqual({ node: 'gw-a', started: true });
    await panels.waitMaster('gwA', 15_000);
    const viaA = await passiveFetch();
    expect(viaA.exitCode, viaA.stderr).toBe(0);
    expect(viaA.stdout).toContain('Hello from');
  }, 60_000);
});
