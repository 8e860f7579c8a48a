/**
 * The HA pair's engine configs as text (goldens-ha/, `UPDATE_GOLDENS=1` to
 * rewrite them), the section's field-level validation, and the notify hook's
 * steps. The engines' own checks of the same text are in ../ha-engines.test.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  HaSection,
  notifySteps,
  renderConntrackdConf,
  renderKeepalivedConf,
  renderNotifyScript,
} from '../../src/ha/index.js';
import { describeIssues } from '../../src/model.js';
import { LAB_PAIR, pairContext } from '../support/ha-pair.js';

const DIR = join(import.meta.dirname, '..', 'goldens-ha');
const ENGINE_DIR = '/run/gatehouse-lab';

function golden(name: string, text: string): void {
  const path = join(DIR, name);
  if (process.env.UPDATE_GOLDENS === '1' || !existsSync(path)) writeFileSync(path, text);
  expect(text).toBe(readFileSync(path, 'utf8'));
}

describe('HA engine configs (goldens)', () => {
  for (const node of ['gw-a', 'gw-b'] as const) {
    it(`keepalived.conf for ${node}: both VRRP instances in one sync group with the notify hook`, () => {
      const text = renderKeepalivedConf(LAB_PAIR, pairContext(node, ENGINE_DIR));
      golden(`keepalived-${node}.conf`, text);
      expect(text).toContain('vrrp_sync_group gatehouse {');
      expect(text).toMatch(/notify_master "\/run\/gatehouse-lab\/ha-notify primary"/);
      expect(text).toContain(`priority ${node === 'gw-a' ? 150 : 100}`);
    });
    it(`conntrackd.conf for ${node}: FTFW to the peer, FTP expectations synced, own flows ignored`, () => {
      const text = renderConntrackdConf(LAB_PAIR, pairContext(node, ENGINE_DIR));
      golden(`conntrackd-${node}.conf`, text);
      const [self, peer] = node === 'gw-a' ? ['10.9.0.1', '10.9.0.2'] : ['10.9.0.2', '10.9.0.1'];
      expect(text).toContain(`IPv4_address ${self}\n\t\tIPv4_Destination_Address ${peer}`);
      expect(text).toMatch(/ExpectationSync \{\n\t+ftp\n/);
      for (const ignored of ['127.0.0.1', '192.0.2.2', '192.168.1.1', '10.9.0.1', '10.9.0.2']) {
        expect(text).toContain(`IPv4_address ${ignored}\n`);
      }
      // The forwarded server is never ignored: its flows are what a failover must keep.
      expect(text).not.toContain('192.168.1.2\n');
    });
  }

  it('the same section gives the same text (pure)', () => {
    const ctx = pairContext('gw-a', ENGINE_DIR);
    expect(renderKeepalivedConf(LAB_PAIR, ctx)).toBe(renderKeepalivedConf(LAB_PAIR, ctx));
  });

  it('refuses a node that is not in the pair and a path that would break the config', () => {
    expect(() => renderKeepalivedConf(LAB_PAIR, pairContext('gw-c' as 'gw-a', ENGINE_DIR))).toThrow(/not a node/);
    expect(() => renderKeepalivedConf(LAB_PAIR, pairContext('gw-a', '/tmp/with space'))).toThrow(/plain path/);
  });
});

describe('HA section validation', () => {
  const input = LAB_PAIR;
  const problems = (patch: (v: typeof input) => void) => {
    const v = structuredClone(input);
    patch(v);
    const r = HaSection.safeParse(v);
    return r.success ? [] : describeIssues(r.error);
  };

  it('accepts the lab pair', () => {
    expect(problems(() => {})).toEqual([]);
  });

  it.each([
    ['the same name twice', (v: typeof input) => (v.nodes[1].name = 'gw-a'), 'nodes.1.name', 'ha.same_name'],
    ['the same priority', (v: typeof input) => (v.nodes[1].priority = 150), 'nodes.1.priority', 'ha.same_priority'],
    [
      'the same sync address',
      (v: typeof input) => (v.nodes[1].syncAddress = '10.9.0.1'),
      'nodes.1.syncAddress',
      'ha.same_sync_address',
    ],
    [
      'one router id for both',
      (v: typeof input) => (v.vrrp.lan.routerId = 51),
      'vrrp.lan.routerId',
      'ha.same_router_id',
    ],
    [
      'a virtual address without its length',
      (v: typeof input) => (v.vrrp.wan.address = '192.0.2.2'),
      'vrrp.wan.address',
      'ha.address_format',
    ],
    [
      'a secret longer than VRRP carries',
      (v: typeof input) => (v.vrrp.authSecret = 'ninechars'),
      'vrrp.authSecret',
      undefined,
    ],
    ['a secret with a space', (v: typeof input) => (v.vrrp.authSecret = 'a b'), 'vrrp.authSecret', 'ha.secret_chars'],
  ])('refuses %s on the field', (_name, patch, path, code) => {
    const found = problems(patch);
    expect(found.map((p) => p.path)).toContain(path);
    if (code) expect(found.find((p) => p.path === path)?.code).toBe(code);
  });

  it('refuses a priority outside 1-254 and a router id outside 1-255', () => {
    expect(problems((v) => (v.nodes[0].priority = 255)).map((p) => p.path)).toContain('nodes.0.priority');
    expect(problems((v) => (v.vrrp.wan.routerId = 0)).map((p) => p.path)).toContain('vrrp.wan.routerId');
  });
});

describe('notify hook', () => {
  it('a new primary commits the peer’s flows and expectations, flushes, resyncs and sends a bulk update', () => {
    expect(notifySteps('primary').map((s) => s.args.join(' '))).toEqual(['-c', '-f', '-R', '-B']);
  });
  it('the script keepalived runs: one arm per transition, fixed argument lists, each result logged', () => {
    const text = renderNotifyScript(`${ENGINE_DIR}/conntrackd-gw-a.conf`, `${ENGINE_DIR}/notify-gw-a.log`);
    golden('notify-gw-a.sh', text);
    expect(text.startsWith('#!/bin/sh\n')).toBe(true);
    expect(() => renderNotifyScript('/tmp/x; rm -rf /', '/tmp/log')).toThrow(/plain path/);
  });

  it('a new backup shortens its timers and asks the primary for a resync', () => {
    expect(notifySteps('backup').map((s) => s.args.join(' '))).toEqual(['-t', '-n']);
  });
});
