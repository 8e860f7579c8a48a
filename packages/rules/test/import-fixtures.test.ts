/**
 * The pure import tests read what the kernel prints back for each foreign
 * ruleset (test/fixtures/import/<shape>.kernel.json and .txt). This test
 * loads each fixture into a throwaway namespace and checks that the kernel
 * still prints exactly that; UPDATE_IMPORT_FIXTURES=1 rewrites them (then
 * `npx biome format --write packages/rules/test/fixtures/import`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, type FixtureName, IMPORT_FIXTURES, loadShape, snapshot } from './support/import-shapes.js';
import { createNetns, type TestNetns } from './support/netns.js';

const update = process.env.UPDATE_IMPORT_FIXTURES === '1';

export function kernelFixturePaths(shape: FixtureName) {
  return {
    json: join(IMPORT_FIXTURES, `${shape}.kernel.json`),
    listing: join(IMPORT_FIXTURES, `${shape}.kernel.txt`),
    save: join(IMPORT_FIXTURES, `${shape}.kernel-save.txt`),
  };
}

/** iptables-nft-save stamps the time and version into comments. */
const stripSave = (save: string) => save.replace(/^#.*\n/gm, '');

describe('the import fixtures are what the kernel prints back', () => {
  // One fresh namespace per shape: table handles count per namespace, so each listing is the same whatever ran before.
  let ns: TestNetns | undefined;
  afterEach(() => {
    ns?.destroy();
    ns = undefined;
  });

  for (const shape of FIXTURES) {
    it(shape, async () => {
      ns = createNetns('import-fx');
      // `iif "eth0"` names an interface index: the interfaces must exist.
      await ns.runner.run('ip', ['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0-peer']);
      await ns.runner.run('ip', ['link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1-peer']);
      await loadShape(ns.runner, shape);
      const snap = await snapshot(ns.runner);
      const paths = kernelFixturePaths(shape);
      const json = `${JSON.stringify(snap.json, null, 2)}\n`;
      const save = stripSave(snap.save);
      if (update) {
        writeFileSync(paths.json, json);
        writeFileSync(paths.listing, snap.listing);
        writeFileSync(paths.save, save);
      }
      // Compared parsed: the committed file is formatted by biome (npx biome format --write).
      expect(snap.json).toEqual(JSON.parse(readFileSync(paths.json, 'utf8')));
      expect(snap.listing).toBe(readFileSync(paths.listing, 'utf8'));
      expect(save).toBe(readFileSync(paths.save, 'utf8'));
    });
  }
});
