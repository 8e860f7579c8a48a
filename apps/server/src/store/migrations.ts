/**
 * The schema, as numbered migrations run in order by `PRAGMA user_version`:
 * a store at version N gets N+1.. on open, each in its own transaction
 * together with the new user_version, so a crash leaves it at N or N+1.
 *
 * Stores from before user_version (version 0) have any shape between the
 * first release and the one that added AUTOINCREMENT ids: migrations 1-4
 * bring every one of them to the same place, so each checks what is there
 * rather than assuming. From 5 on, a migration may assume the one before it.
 * Append; never edit a migration that has shipped.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
  /** Rebuilds tables that others reference: foreign keys are off while it runs, and checked after. */
  rebuildsReferencedTables?: boolean;
}

const columnsOf = (db: Database.Database, table: string): string[] =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name);

const tableSql = (db: Database.Database, name: string): string =>
  (
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as
      | { sql: string }
      | undefined
  )?.sql ?? '';

const USERS = `(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
)`;
const TOKENS = `(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
)`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tables',
    up(db) {
      db.exec(`
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users ${USERS};
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens ${TOKENS};
CREATE TABLE IF NOT EXISTS revisions (
  id INTEGER PRIMARY KEY,
  parent_id INTEGER REFERENCES revisions(id),
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  model TEXT NOT NULL,
  script TEXT NOT NULL,
  diff TEXT NOT NULL,
  baseline TEXT,
  comment TEXT NOT NULL DEFAULT '',
  restored_from INTEGER REFERENCES revisions(id)
);
-- A revision's model, script and diff (megabytes at 100,000 forwards), one
-- row each: SQLite rewrites a whole row on UPDATE, so with them inline every
-- status change of a revision wrote its megabytes again. Older revisions
-- keep theirs in the revisions row; readers take a text from here first.
CREATE TABLE IF NOT EXISTS revision_texts (
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (revision_id, name)
);
CREATE TABLE IF NOT EXISTS forwards (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS forwards_position ON forwards (position);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL,
  detail TEXT NOT NULL
);`);
    },
  },
  {
    version: 2,
    name: 'revision deltas',
    up(db) {
      if (!columnsOf(db, 'revisions').includes('delta')) db.exec('ALTER TABLE revisions ADD COLUMN delta TEXT');
    },
  },
  {
    // Forwards are rows, so that adding one to 100,000 writes one row rather
    // than 15 MB of JSON; older stores kept them inside the desired blob.
    version: 3,
    name: 'forwards as rows',
    up(db) {
      const row = db.prepare("SELECT value FROM meta WHERE key = 'desired'").get() as { value: string } | undefined;
      if (!row) return;
      const model = JSON.parse(row.value) as { forwards?: Array<{ id: string }> };
      if (!Array.isArray(model.forwards) || model.forwards.length === 0) return;
      db.prepare('DELETE FROM forwards').run();
      const insert = db.prepare('INSERT INTO forwards (id, position, body) VALUES (?, ?, ?)');
      model.forwards.forEach((f, i) => {
        insert.run(f.id, i, JSON.stringify(f));
      });
      db.prepare("UPDATE meta SET value = ? WHERE key = 'desired'").run(JSON.stringify({ ...model, forwards: [] }));
    },
  },
  {
    // SQLite cannot add AUTOINCREMENT to a table (without it, the highest id
    // is reused after a delete, and an audit entry naming `token:7` could
    // mean two tokens), nor the `disabled` column with it: users and tokens
    // are rebuilt with their rows and ids.
    version: 4,
    name: 'accounts with AUTOINCREMENT ids',
    rebuildsReferencedTables: true,
    up(db) {
      if (!/AUTOINCREMENT/i.test(tableSql(db, 'users'))) {
        const disabled = columnsOf(db, 'users').includes('disabled') ? 'disabled' : '0';
        db.exec(`CREATE TABLE users_next ${USERS}`);
        db.exec(
          `INSERT INTO users_next (id, username, password_hash, role, disabled, created_at)
           SELECT id, username, password_hash, role, ${disabled}, created_at FROM users`,
        );
        db.exec('DROP TABLE users; ALTER TABLE users_next RENAME TO users');
      }
      if (!/AUTOINCREMENT/i.test(tableSql(db, 'tokens'))) {
        db.exec(`CREATE TABLE tokens_next ${TOKENS}`);
        db.exec(
          'INSERT INTO tokens_next SELECT id, name, token_hash, prefix, role, user_id, created_at, last_used_at, revoked_at FROM tokens',
        );
        db.exec('DROP TABLE tokens; ALTER TABLE tokens_next RENAME TO tokens');
        // Ids of tokens deleted with their owner before this migration are
        // only known from the audit log; never hand them out again.
        const audited = db
          .prepare("SELECT max(CAST(substr(target, 7) AS INTEGER)) AS id FROM audit WHERE target LIKE 'token:%'")
          .get() as { id: number | null } | undefined;
        const kept = (db.prepare('SELECT max(id) AS id FROM tokens').get() as { id: number | null }).id;
        db.prepare("DELETE FROM sqlite_sequence WHERE name = 'tokens'").run();
        db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('tokens', ?)").run(
          Math.max(audited?.id ?? 0, kept ?? 0),
        );
      }
    },
  },
  {
    // Packet/byte totals per forward id, accumulated across applies (a whole
    // apply replaces the table and its counters): services/forward-hits.ts.
    version: 5,
    name: 'forward hit totals',
    up(db) {
      db.exec(`CREATE TABLE IF NOT EXISTS forward_hits (
  forward_id TEXT PRIMARY KEY,
  packets INTEGER NOT NULL DEFAULT 0,
  bytes INTEGER NOT NULL DEFAULT 0,
  last_packets INTEGER NOT NULL DEFAULT 0,
  last_bytes INTEGER NOT NULL DEFAULT 0,
  reset_after INTEGER,
  since TEXT NOT NULL
)`);
    },
  },
  {
    // A token may end by itself: an ISO moment, compared as text with
    // toISOString (store/accounts.ts findActiveToken); NULL never expires.
    version: 6,
    name: 'token expiry',
    up(db) {
      if (!columnsOf(db, 'tokens').includes('expires_at')) db.exec('ALTER TABLE tokens ADD COLUMN expires_at TEXT');
    },
  },
  {
    // Taking over an existing gateway (issue #14): the tables the next apply
    // retires (chosen at adopt time), and what each apply that retired one
    // saved of it (its `nft list table` text, re-loadable), so an unconfirmed
    // takeover puts it back exactly, also after a restart: store/takeover.ts.
    version: 7,
    name: 'takeover of foreign tables',
    up(db) {
      db.exec(`CREATE TABLE IF NOT EXISTS takeover_pending (
  family TEXT NOT NULL,
  name TEXT NOT NULL,
  author TEXT NOT NULL,
  adopted_at TEXT NOT NULL,
  PRIMARY KEY (family, name)
);
CREATE TABLE IF NOT EXISTS retired_tables (
  revision_id INTEGER NOT NULL REFERENCES revisions(id),
  family TEXT NOT NULL,
  name TEXT NOT NULL,
  text TEXT NOT NULL,
  restored_by INTEGER REFERENCES revisions(id),
  PRIMARY KEY (revision_id, family, name)
)`);
    },
  },
  {
    // The pair managed as one (issue #16): which nodes hold each revision
    // (JSON array of node names; NULL: not a pair revision) and, on the peer's
    // copy, the revision it came from (JSON {node, revisionId}).
    version: 8,
    name: 'pair revisions: nodes and origin',
    up(db) {
      const cols = columnsOf(db, 'revisions');
      if (!cols.includes('nodes')) db.exec('ALTER TABLE revisions ADD COLUMN nodes TEXT');
      if (!cols.includes('origin')) db.exec('ALTER TABLE revisions ADD COLUMN origin TEXT');
    },
  },
];

export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Brings the database to the last migration; returns the versions it ran. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const ran: number[] = [];
  for (const m of migrations) {
    if (m.version <= schemaVersion(db)) continue;
    // PRAGMA foreign_keys is a no-op inside a transaction: set it around one.
    if (m.rebuildsReferencedTables) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        m.up(db);
        if (m.rebuildsReferencedTables) {
          const broken = db.pragma('foreign_key_check') as unknown[];
          if (broken.length > 0) throw new Error(`migration ${m.version} left ${broken.length} dangling references`);
        }
        db.pragma(`user_version = ${m.version}`);
      })();
    } finally {
      if (m.rebuildsReferencedTables) db.pragma('foreign_keys = ON');
    }
    ran.push(m.version);
  }
  return ran;
}
