/**
 * Revisions of a pair (issue #16, migration 8): a store from before the
 * migration opens with its revisions as they were, `nodes` and `origin`
 * null (not a pair revision); a pair revision keeps both through a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, it } from 'vitest';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

it('a revision from before the migration has no nodes and no origin; a pair revision keeps both', () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-pair-rev-'));
  const db = new Database(join(dir, 'gatehouse.db'));
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < 8),
  );
  expect(schemaVersion(db)).toBe(7);
  db.prepare(
    `INSERT INTO revisions (id, parent_id, author, created_at, kind, status, model, script, diff, baseline, comment, restored_from)
     VALUES (1, NULL, 'admin', '2026-01-01T00:00:00Z', 'apply', 'confirmed', '{"table":"gatehouse"}', '', '', NULL, '', NULL)`,
  ).run();
  db.close();

  let store = new Store(dir);
  expect(store.revisions.summary(1)).toMatchObject({ id: 1, author: 'admin', nodes: null, origin: null });
  const copy = store.revisions.insert({
    parentId: 1,
    author: 'admin via gw-a',
    kind: 'apply',
    status: 'confirmed',
    baseline: null,
    delta: null,
    comment: '',
    restoredFrom: null,
    origin: { node: 'gw-a', revisionId: 9 },
  });
  expect(copy).toMatchObject({ nodes: null, origin: { node: 'gw-a', revisionId: 9 } });
  store.revisions.setPair(copy.id, { nodes: ['gw-a', 'gw-b'] });
  store.close();

  store = new Store(dir);
  expect(store.revisions.summary(copy.id)).toMatchObject({
    nodes: ['gw-a', 'gw-b'],
    origin: { node: 'gw-a', revisionId: 9 },
  });
  expect(store.revisions.list(10).map((r) => r.nodes)).toEqual([['gw-a', 'gw-b'], null]);
  store.close();
});
