/**
 * The foreign rulesets of the import tests (test/fixtures/import/), written
 * in each tool's own shape and adapted to the lab (WAN eth0, LAN eth1,
 * server 192.168.1.2), and how to load each into a namespace: nft -f for
 * the nft-native ones, real iptables-nft commands for iptables and Docker.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Runner } from '../../src/runner.js';

export const IMPORT_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'import');

export type ShapeName = 'fw4' | 'firewalld' | 'iptables-nft' | 'docker' | 'hand-written';
export const SHAPES: readonly ShapeName[] = ['fw4', 'firewalld', 'iptables-nft', 'docker', 'hand-written'];
/** The shapes, and `syntax` (every construct the walker reads, for the pure tests only). */
export type FixtureName = ShapeName | 'syntax' | 'fw4-openwrt';
export const FIXTURES: readonly FixtureName[] = [...SHAPES, 'syntax', 'fw4-openwrt'];

export const fixtureText = (file: string) => readFileSync(join(IMPORT_FIXTURES, file), 'utf8');

/** iptables-nft argument lines: `#` comments and blank lines skipped, tokens split on spaces. */
export function iptablesLines(file: string): string[][] {
  return fixtureText(file)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/\s+/));
}

async function runIptables(runner: Runner, file: string): Promise<void> {
  for (const args of iptablesLines(file)) await runner.run('iptables-nft', args);
}

export async function loadShape(runner: Runner, shape: FixtureName): Promise<void> {
  switch (shape) {
    case 'syntax':
    case 'fw4-openwrt':
      return void (await runner.run('nft', ['-f', '-'], { input: fixtureText(`${shape}.nft`) }));
    case 'fw4':
      return void (await runner.run('nft', ['-f', '-'], { input: fixtureText('fw4.nft') }));
    case 'firewalld':
      return void (await runner.run('nft', ['-f', '-'], { input: fixtureText('firewalld.nft') }));
    case 'hand-written':
      return void (await runner.run('nft', ['-f', '-'], { input: fixtureText('hand-written.nft') }));
    case 'iptables-nft':
      return runIptables(runner, 'iptables-nft.rules');
    case 'docker':
      await runIptables(runner, 'docker.rules');
      await runner.run('nft', ['-f', '-'], { input: fixtureText('hand-written.nft') });
      return;
  }
}

export interface KernelSnapshot {
  /** nft -j list ruleset */
  json: unknown;
  /** nft -a list ruleset (iptables-nft's xt translations) */
  listing: string;
  /** iptables-nft-save */
  save: string;
}

export async function snapshot(runner: Runner): Promise<KernelSnapshot> {
  const json = JSON.parse((await runner.run('nft', ['-j', 'list', 'ruleset'])).stdout);
  const listing = (await runner.run('nft', ['-a', 'list', 'ruleset'])).stdout;
  const save = (await runner.run('iptables-nft-save', [], { reject: false })).stdout;
  return { json, listing, save };
}

/** Deletes every table in the namespace (ours to delete: the namespace is the test's own). */
export async function deleteAllTables(runner: Runner): Promise<void> {
  const json = JSON.parse((await runner.run('nft', ['-j', 'list', 'tables'])).stdout) as {
    nftables: Array<{ table?: { family: string; name: string } }>;
  };
  for (const item of json.nftables) {
    if (item.table) await runner.run('nft', ['delete', 'table', item.table.family, item.table.name]);
  }
}
