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
  /** After this moment (ISO) the token is refused like a revoked one; null: never. */
  expiresAt: string | null;
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
  expires_at: string | null;
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
  expiresAt: row.expires_at ?? null,
});

const TOKEN_SELECT = 'SELECT t.*, u.username, u.role AS owner_role FROM tokens t JOIN users u ON u.id = t.user_id';

export class AccountsRepository {
  /**
   * Bumped by every change to users or tokens, so that whoever keeps
   * lookups of them (plugins/auth.ts) knows when to forget them.
   */
  generation = 0;

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
    this.generation++;
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
    this.generation++;
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

  createToken(t: {
    name: string;
    tokenHash: string;
    prefix: string;
    role: Role;
    userId: number;
    /** ISO moment after which it is refused; omitted: never. */
    expiresAt?: string | undefined;
  }): number {
    const r = this.db
      .prepare(
        'INSERT INTO tokens (name, token_hash, prefix, role, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(t.name, t.tokenHash, t.prefix, t.role, t.userId, new Date().toISOString(), t.expiresAt ?? null);
    return Number(r.lastInsertRowid);
  }

  /**
   * An unrevoked, unexpired token of a user who is not disabled, with its
   * effective role. Expiry is stored as toISOString, so text order is time order.
   */
  findActiveToken(tokenHash: string, now = new Date()): TokenRecord | undefined {
    const row = this.db
      .prepare(
        `${TOKEN_SELECT} WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0 AND (t.expires_at IS NULL OR t.expires_at > ?)`,
      )
      .get(tokenHash, now.toISOString()) as TokenRow | undefined;
    return row ? toToken(row) : undefined;
  }

  setTokenLastUsed(id: number, at: string): void {
    this.db.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(at, id);
  }

  listTokens(): TokenRecord[] {
    return (this.db.prepare(`${TOKEN_SELECT} ORDER BY t.id`).all() as TokenRow[]).map(toToken);
  }

  getToken(id: number): TokenRecord | undefined {
    const row = this.db.prepare(`${TOKEN_SELECT} WHERE t.id = ?`).get(id) as TokenRow | undefined;
    return row ? toToken(row) : undefined;
  }

  /**
   * Removes a token that can no longer be used (revoked, or expired by
   * `now`); a usable one is kept (revoke it first). Its id is never reused,
   * so the audit log's `token:7` still means this one.
   */
  purgeToken(id: number, now = new Date()): boolean {
    this.generation++;
    return (
      this.db
        .prepare(
          'DELETE FROM tokens WHERE id = ? AND (revoked_at IS NOT NULL OR (expires_at IS NOT NULL AND expires_at <= ?))',
        )
        .run(id, now.toISOString()).changes > 0
    );
  }

  revokeToken(id: number): boolean {
    this.generation++;
    return (
      this.db
        .prepare('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL')
        .run(new Date().toISOString(), id).changes > 0
    );
  }
}
