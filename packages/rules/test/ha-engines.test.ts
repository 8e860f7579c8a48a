/**
 * The HA configs checked by the engines themselves, in a throwaway namespace
 * that has the interfaces they name (keepalived checks that they exist):
 * `keepalived -t` accepts both nodes' keepalived.conf and refuses a broken
 * one; conntrackd starts on each node's conntrackd.conf, answers its
 * statistics, and the generated notify script takes every step of each
 * transition with it.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, type Netns } from '@gatehouse/lab';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifySteps, renderConntrackdConf, renderKeepalivedConf, renderNotifyScript } from '../src/ha/index.js';
import { LAB_PAIR, pairContext } from './support/ha-pair.js';
import { requireRoot } from './support/netns.js';

const DEADLINE = { timeout: 10_000, killSignal: 'SIGKILL', reject: false, stdin: 'ignore' } as const;

let ns: Netns;
let dir: string;

const inNs = (cmd: string, args: string[]) => execa('ip', ['netns', 'exec', ns.name, cmd, ...args], DEADLINE);

beforeAll(async () => {
  requireRoot();
  ns = createNetns('gh-ha', { loopback: true });
  dir = mkdtempSync(join(tmpdir(), 'gh-ha-'));
  // veth pairs stand for the node's WAN, LAN and sync link (no dummy driver on every kernel).
  for (const i of [0, 1, 2]) {
    await execa('ip', ['-n', ns.name, 'link', 'add', `eth${i}`, 'type', 'veth', 'peer', 'name', `peer${i}`], DEADLINE);
    await execa('ip', ['-n', ns.name, 'link', 'set', `eth${i}`, 'up'], DEADLINE);
    await execa('ip', ['-n', ns.name, 'link', 'set', `peer${i}`, 'up'], DEADLINE);
  }
});

afterAll(() => {
  ns?.destroy();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('keepalived -t', () => {
  for (const node of ['gw-a', 'gw-b'] as const) {
    it(`accepts the keepalived.conf of ${node}`, async () => {
      const file = join(dir, `keepalived-${node}.conf`);
      writeFileSync(file, renderKeepalivedConf(LAB_PAIR, pairContext(node, dir)));
      const r = await inNs('keepalived', ['-t', '-f', file]);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }

  it('refuses a config the engine cannot run (so the check can fail)', async () => {
    const file = join(dir, 'keepalived-broken.conf');
    const text = renderKeepalivedConf(LAB_PAIR, pairContext('gw-a', dir));
    writeFileSync(file, text.replace('virtual_router_id 51', 'virtual_router_id 300'));
    const r = await inNs('keepalived', ['-t', '-f', file]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/VRID '300' not valid/);
  });
});

describe('conntrackd', () => {
  for (const node of ['gw-a', 'gw-b'] as const) {
    it(`runs on the conntrackd.conf of ${node} and takes every notify step`, async () => {
      const ctx = pairContext(node, dir);
      const self = LAB_PAIR.nodes.find((n) => n.name === node);
      const sync = `${self?.syncAddress}/24`;
      await execa('ip', ['-n', ns.name, 'addr', 'replace', sync, 'dev', 'eth2'], DEADLINE);
      writeFileSync(ctx.paths.conntrackdConfig, renderConntrackdConf(LAB_PAIR, ctx));
      const daemon = execa('ip', ['netns', 'exec', ns.name, 'conntrackd', '-C', ctx.paths.conntrackdConfig], {
        ...DEADLINE,
        timeout: 30_000,
      });
      try {
        let stats = await inNs('conntrackd', ['-C', ctx.paths.conntrackdConfig, '-s']);
        for (let i = 0; i < 50 && stats.exitCode !== 0; i++) {
          await new Promise((r) => setTimeout(r, 100));
          stats = await inNs('conntrackd', ['-C', ctx.paths.conntrackdConfig, '-s']);
        }
        expect(stats.exitCode).toBe(0);
        expect(stats.stdout).toMatch(/cache internal:/);
        const log = join(dir, `notify-${node}.log`);
        writeFileSync(ctx.paths.notify, renderNotifyScript(ctx.paths.conntrackdConfig, log));
        chmodSync(ctx.paths.notify, 0o755);
        for (const transition of ['primary', 'backup', 'fault'] as const) {
          expect((await inNs(ctx.paths.notify, [transition])).exitCode).toBe(0);
        }
        const lines = readFileSync(log, 'utf8').trim().split('\n');
        const expected = (['primary', 'backup', 'fault'] as const).flatMap((t) =>
          notifySteps(t).map((s) => `${t} ${s.args.join(' ')} exit=0`),
        );
        expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual(expected);
      } finally {
        await inNs('conntrackd', ['-C', ctx.paths.conntrackdConfig, '-k']);
        await daemon;
        await execa('ip', ['-n', ns.name, 'addr', 'del', sync, 'dev', 'eth2'], DEADLINE);
      }
    });
  }

  it('refuses to start when the sync link is missing (so the check can fail)', async () => {
    const ctx = pairContext('gw-a', dir);
    const text = renderConntrackdConf(LAB_PAIR, ctx).replace('Interface eth2', 'Interface eth9');
    writeFileSync(ctx.paths.conntrackdConfig, text);
    const r = await inNs('conntrackd', ['-C', ctx.paths.conntrackdConfig]);
    expect(r.exitCode).not.toBe(0);
  });
});
