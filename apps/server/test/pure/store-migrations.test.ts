/**
 * Store migrations without root: a store file made the old way (raw SQL of
 * the shape before user_version: forwards inside the desired blob, no delta
 * column, ids without AUTOINCREMENT) opens as today's store with its data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS, migrate, schemaVersion } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const LATEST = (MIGRATIONS.at(-1) as { version: number }).version;

/** The schema as the first releases wrote it, with a little of everything in it. */
function oldStore(path: string): void {
  const db = new Database(join(path, 'gatehouse.db'));
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')), created_at TEXT NOT NULL);
    CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      csrf TEXT NOT NULL, expires_at INTEGER NOT NULL);
    CREATE TABLE tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')), user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL, last_used_at TEXT, revoked_at TEXT);
    CREATE TABLE revisions (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES revisions(id), author TEXT NOT NULL,
      created_at TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, model TEXT NOT NULL, script TEXT NOT NULL,
      diff TEXT NOT NULL, baseline TEXT, comment TEXT NOT NULL DEFAULT '', restored_from INTEGER REFERENCES revisions(id));
    CREATE TABLE audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      target TEXT NOT NULL, detail TEXT NOT NULL);
    INSERT INTO users VALUES (2, 'admin', 'scrypt$x', 'admin', '2024-01-01T00:00:00Z');
    INSERT INTO sessions VALUES ('h1', 2, 'c', ${Date.now() + 3_600_000});
    INSERT INTO tokens VALUES (5, 'ci', 'th5', 'gh_x', 'viewer', 2, '2024-01-01T00:00:00Z', NULL, NULL);
    INSERT INTO revisions VALUES (1, NULL, 'admin', '2024-01-02T00:00:00Z', 'apply', 'confirmed',
      '{"table":"gatehouse"}', 'table ip gatehouse {}', '', 'baseline', '', NULL);
    INSERT INTO audit VALUES (1, '2024-01-02T00:00:00Z', 'admin', 'apply', 'revision:1', '{}');
  `);
  const desired = {
    table: 'gatehouse',
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [
      { id: 'web', name: 'web', publicPorts: '80', target: '192.168.1.10' },
      { id: 'mail', name: 'mail', publicPorts: '25', target: '192.168.1.11' },
    ],
  };
  const put = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
  put.run('desired', JSON.stringify(desired));
  put.run('desired_version', '7');
  put.run('active_revision', '1');
  put.run('pending', JSON.stringify({ revisionId: 1, previousRevisionId: null, deadline: 123 }));
  db.close();
}

describe('store migrations', () => {
  it('upgrades a store from before user_version in place, keeping its data', () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-migrate-'));
    oldStore(dir);
    const store = new Store(dir);
    try {
      const desired = store.desired.get() as { model: { forwards: Array<{ id: string }> }; version: number };
      expect(desired.version).toBe(7);
      expect(desired.model.forwards.map((f) => f.id)).toEqual(['web', 'mail']);
      expect(store.meta.activeRevisionId()).toBe(1);
      expect(store.meta.pending()).toEqual({ revisionId: 1, previousRevisionId: null, deadline: 123 });
      expect(store.revisions.full(1)).toMatchObject({
        status: 'confirmed',
        delta: null,
        model: '{"table":"gatehouse"}',
        script: 'table ip gatehouse {}',
        baseline: 'baseline',
      });
      expect(store.accounts.getUser(2)).toMatchObject({ username: 'admin', disabled: false });
      expect(store.accounts.findSession('h1')).toMatchObject({ userId: 2 });
      expect(store.accounts.findActiveToken('th5')).toMatchObject({ id: 5, name: 'ci' });
      expect(store.audit.list(10)).toHaveLength(1);
      // Forwards are rows now: one forward changes one row.
      expect(store.desired.putForward({ id: 'dns' }, 7)).toBe(8);
      // Ids are never reused: the next user after a deleted one gets a new id.
      const u = store.accounts.createUser('next', 'scrypt$y', 'viewer');
      store.accounts.deleteUser(u.id);
      expect(store.accounts.createUser('again', 'scrypt$z', 'viewer').id).toBe(u.id + 1);
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
    const raw = new Database(join(dir, 'gatehouse.db'));
    try {
      expect(schemaVersion(raw)).toBe(LATEST);
      expect(
        JSON.parse((raw.prepare("SELECT value FROM meta WHERE key = 'desired'").get() as { value: string }).value),
      ).toMatchObject({ forwards: [] });
      // Opening it again runs nothing.
      expect(migrate(raw)).toEqual([]);
    } finally {
      raw.close();
    }
  });

  it('creates a new store at the latest version, and runs only the migrations it lacks', () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-migrate-'));
    new Store(dir).close();
    const db = new Database(join(dir, 'gatehouse.db'));
    try {
      expect(schemaVersion(db)).toBe(LATEST);
      const ran: number[] = [];
      const next = { version: LATEST + 1, name: 'test', up: () => void ran.push(LATEST + 1) };
      expect(migrate(db, [...MIGRATIONS, next])).toEqual([LATEST + 1]);
      expect(ran).toEqual([LATEST + 1]);
      expect(schemaVersion(db)).toBe(LATEST + 1);
      // A migration that throws leaves the version where it was.
      const broken = {
        version: LATEST + 2,
        name: 'broken',
        up: () => {
          throw new Error('no');
        },
      };
      expect(() => migrate(db, [...MIGRATIONS, next, broken])).toThrow('no');
      expect(schemaVersion(db)).toBe(LATEST + 1);
    } finally {
      db.close();
    }
  });
});
