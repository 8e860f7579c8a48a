/**
 * Users, their sessions and their API tokens: one repository over the
 * store's database (the Store owns the connection and its transactions).
 *
 * Rules kept here, in the same transaction as the change that triggers them:
 * - a token acts with the lower of its own role and its owner's current role
 *   (demoting the owner caps it; promoting again restores it, never beyond
 *   the token's own role);
 * - a new password or disabling a user revokes their tokens and ends their
 *   sessions (except, for one's own password change, the session that made it);
 * - deleting a user deletes their sessions and tokens (ON DELETE CASCADE);
 * - user and token ids are never reused (AUTOINCREMENT), so an audit entry
 *   naming `token:7` means one token forever.
 */
import type Database from 'better-sqlite3';
import type { Role } from '../schemas/common.js';

export type { Role };

export interface UserRecord {
  id: number;
  username: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

export interface SessionRecord {
  userId: number;
  username: string;
  role: Role;
  csrf: string;
  expiresAt: number;
}

export interface TokenRecord {
  id: number;
  name: string;
  prefix: string;
  /** The role the token was created with. */
  role: Role;
  /** What it may do now: the lower of `role` and its owner's current role. */
  effectiveRole: Role;
  userId: number;
  username: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const USERS_TABLE = `
CREATE TABLE IF NOT EXISTS users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
)`;
const TOKENS_TABLE = `
CREATE TABLE IF NOT EXISTS tokens (
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
const SESSIONS_TABLE = `
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)`;

export const ACCOUNTS_SCHEMA = `${USERS_TABLE};\n${SESSIONS_TABLE};\n${TOKENS_TABLE};\n`;

const tableSql = (db: Database.Database, name: string) =>
  (
    db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as
      | { sql: string }
      | undefined
  )?.sql ?? '';

/**
 * Stores written before ids were AUTOINCREMENT (SQLite then reuses the
 * highest id after a delete) and before users could be disabled. SQLite
 * cannot add AUTOINCREMENT to a table, so users and tokens are rebuilt with
 * their rows and ids. Foreign keys are off meanwhile: dropping the old users
 * table would otherwise cascade into sessions and tokens.
 */
export function migrateAccounts(db: Database.Database): void {
  const rebuildUsers = !/AUTOINCREMENT/i.test(tableSql(db, 'users'));
  const rebuildTokens = !/AUTOINCREMENT/i.test(tableSql(db, 'tokens'));
  if (!rebuildUsers && !rebuildTokens) return;
  db.pragma('foreign_keys = OFF');
  try {
    db.transaction(() => {
      if (rebuildUsers) {
        const hasDisabled = (db.prepare('PRAGMA table_info(users)').all() as Array<{ name: string }>).some(
          (c) => c.name === 'disabled',
        );
        db.exec(USERS_TABLE.replace('IF NOT EXISTS users', 'users_next'));
        db.exec(
          `INSERT INTO users_next (id, username, password_hash, role, disabled, created_at)
           SELECT id, username, password_hash, role, ${hasDisabled ? 'disabled' : '0'}, created_at FROM users`,
        );
        db.exec('DROP TABLE users; ALTER TABLE users_next RENAME TO users');
      }
      if (rebuildTokens) {
        db.exec(TOKENS_TABLE.replace('IF NOT EXISTS tokens', 'tokens_next'));
        db.exec(
          'INSERT INTO tokens_next SELECT id, name, token_hash, prefix, role, user_id, created_at, last_used_at, revoked_at FROM tokens',
        );
        db.exec('DROP TABLE tokens; ALTER TABLE tokens_next RENAME TO tokens');
        // Ids of tokens deleted with their owner before this migration are
        // only known from the audit log; never hand them out again.
        const audited = db
          .prepare("SELECT max(CAST(substr(target, 7) AS INTEGER)) AS id FROM audit WHERE target LIKE 'token:%'")
          .get() as { id: number | null } | undefined;
        const floor = Math.max(
          audited?.id ?? 0,
          (db.prepare('SELECT max(id) AS id FROM tokens').get() as { id: number | null }).id ?? 0,
        );
        db.prepare("DELETE FROM sqlite_sequence WHERE name = 'tokens'").run();
        db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('tokens', ?)").run(floor);
      }
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`accounts migration left ${broken.length} dangling references`);
    })();
  } finally {
    db.pragma('foreign_keys = ON');
  }
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: string;
}

const toUser = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  role: row.role,
  disabled: row.disabled !== 0,
  createdAt: row.created_at,
});

const lower = (a: Role, b: Role): Role => (a === 'admin' && b === 'admin' ? 'admin' : 'viewer');

interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  user_id: number;
  username: string;
  owner_role: Role;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

const toToken = (row: TokenRow): TokenRecord => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  role: row.role,
  effectiveRole: lower(row.role, row.owner_role),
  userId: row.user_id,
  username: row.username,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at ?? null,
  revokedAt: row.revoked_at ?? null,
});

const TOKEN_SELECT = 'SELECT t.*, u.username, u.role AS owner_role FROM tokens t JOIN users u ON u.id = t.user_id';

/** How precisely an API token's last use is recorded. */
const TOKEN_USE_RESOLUTION_MS = 60_000;
/** How long a looked-up API token is trusted without asking the database again (any account change clears it). */
const TOKEN_CACHE_MS = 5_000;

export class AccountsRepository {
  /** token hash -> active token, for TOKEN_CACHE_MS; cleared on any change to tokens or users. */
  private readonly tokenCache = new Map<string, { record: TokenRecord; at: number }>();
  private readonly tokenUseWritten = new Map<number, number>();

  constructor(
    private readonly db: Database.Database,
    /** The store's transaction (joins an outer one). */
    private readonly tx: <T>(fn: () => T) => T,
  ) {}

  // --- users ----------------------------------------------------------------

  countUsers(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  createUser(username: string, passwordHash: string, role: Role): UserRecord {
    const createdAt = new Date().toISOString();
    const r = this.db
      .prepare('INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)')
      .run(username, passwordHash, role, createdAt);
    return { id: Number(r.lastInsertRowid), username, passwordHash, role, disabled: false, createdAt };
  }

  findUser(username: string): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  getUser(id: number): UserRecord | undefined {
    const row = this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  listUsers(): UserRecord[] {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(toUser);
  }

  /** Admins who can still act (not disabled): the ones "the last admin" counts. */
  countActiveAdmins(): number {
    return (
      this.db.prepare("SELECT count(*) AS n FROM users WHERE role = 'admin' AND disabled = 0").get() as { n: number }
    ).n;
  }

  /**
   * Changes a user. A role change ends their sessions (they log in again
   * with the new role) and caps their tokens (see TokenRecord.effectiveRole).
   * A new password or disabling revokes their tokens and ends their
   * sessions, but `keepSession` (the session that changed its own password).
   */
  updateUser(
    id: number,
    changes: { role?: Role; passwordHash?: string; disabled?: boolean },
    keepSession?: string,
  ): { revokedTokens: number; endedSessions: number } {
    this.tokenCache.clear();
    return this.tx(() => {
      let revokedTokens = 0;
      let endedSessions = 0;
      const endSessions = () => {
        endedSessions += this.db
          .prepare('DELETE FROM sessions WHERE user_id = ? AND id_hash IS NOT ?')
          .run(id, keepSession ?? null).changes;
      };
      if (changes.role) {
        this.db.prepare('UPDATE users SET role = ? WHERE id = ?').run(changes.role, id);
        endSessions();
      }
      if (changes.disabled !== undefined) {
        this.db.prepare('UPDATE users SET disabled = ? WHERE id = ?').run(changes.disabled ? 1 : 0, id);
      }
      if (changes.passwordHash) {
        this.db.prepare('UPDATE users SET password_hash = ? WHERE id = ?').run(changes.passwordHash, id);
      }
      if (changes.passwordHash || changes.disabled) {
        revokedTokens = this.db
          .prepare('UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL')
          .run(new Date().toISOString(), id).changes;
        endSessions();
      }
      return { revokedTokens, endedSessions };
    });
  }

  /** Deletes the user with their sessions and tokens. */
  deleteUser(id: number): boolean {
    this.tokenCache.clear();
    return this.db.prepare('DELETE FROM users WHERE id = ?').run(id).changes > 0;
  }

  // --- sessions -------------------------------------------------------------

  createSession(idHash: string, userId: number, csrf: string, expiresAt: number): void {
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(Date.now());
    this.db
      .prepare('INSERT INTO sessions (id_hash, user_id, csrf, expires_at) VALUES (?, ?, ?, ?)')
      .run(idHash, userId, csrf, expiresAt);
  }

  /** A live session of a user who is not disabled. */
  findSession(idHash: string): SessionRecord | undefined {
    const row = this.db
      .prepare(
        'SELECT s.user_id, s.csrf, s.expires_at, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND u.disabled = 0',
      )
      .get(idHash) as { user_id: number; csrf: string; expires_at: number; username: string; role: Role } | undefined;
    if (!row || row.expires_at < Date.now()) return undefined;
    return { userId: row.user_id, username: row.username, role: row.role, csrf: row.csrf, expiresAt: row.expires_at };
  }

  deleteSession(idHash: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  // --- API tokens -----------------------------------------------------------

  createToken(t: { name: string; tokenHash: string; prefix: string; role: Role; userId: number }): number {
    const r = this.db
      .prepare('INSERT INTO tokens (name, token_hash, prefix, role, user_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(t.name, t.tokenHash, t.prefix, t.role, t.userId, new Date().toISOString());
    return Number(r.lastInsertRowid);
  }

  /** An unrevoked token of a user who is not disabled, with its effective role. */
  findActiveToken(tokenHash: string): TokenRecord | undefined {
    // A token in use is looked up once per TOKEN_CACHE_MS, not on every
    // request; any change to tokens or users (revoke, delete, role, password,
    // disable) clears the cache, so the next request sees it.
    const now = Date.now();
    const cached = this.tokenCache.get(tokenHash);
    let record: TokenRecord;
    if (cached && now - cached.at < TOKEN_CACHE_MS) {
      record = cached.record;
    } else {
      const row = this.db
        .prepare(`${TOKEN_SELECT} WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`)
        .get(tokenHash) as TokenRow | undefined;
      if (!row) {
        this.tokenCache.delete(tokenHash);
        return undefined;
      }
      record = toToken(row);
      if (this.tokenCache.size >= 1024) this.tokenCache.clear();
      this.tokenCache.set(tokenHash, { record, at: now });
    }
    // "Last used" to the minute: writing it on every request would make each
    // scripted read a fsynced write transaction.
    const id = record.id;
    if (now - (this.tokenUseWritten.get(id) ?? 0) >= TOKEN_USE_RESOLUTION_MS) {
      this.tokenUseWritten.set(id, now);
      const iso = new Date(now).toISOString();
      this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(iso, id);
      record = { ...record, lastUsedAt: iso };
      this.tokenCache.set(tokenHash, { record, at: this.tokenCache.get(tokenHash)?.at ?? now });
    }
    return record;
  }

  listTokens(): TokenRecord[] {
    return (this.db.prepare(`${TOKEN_SELECT} ORDER BY t.id`).all() as TokenRow[]).map(toToken);
  }

  getToken(id: number): TokenRecord | undefined {
    const row = this.db.prepare(`${TOKEN_SELECT} WHERE t.id = ?`).get(id) as TokenRow | undefined;
    return row ? toToken(row) : undefined;
  }

  revokeToken(id: number): boolean {
    this.tokenCache.clear();
    return (
      this.db
        .prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(new Date().toISOString(), id).changes > 0
    );
  }
}
