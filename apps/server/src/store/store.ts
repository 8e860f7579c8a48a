/**
 * The server's state in one SQLite file (better-sqlite3).
 *
 * Why SQLite rather than atomic files: one apply writes the revision, the
 * pending-confirmation record, the desired-state version and an audit entry,
 * and they must land together or not at all. SQLite gives that as one
 * transaction; with files we would be writing our own journal. WAL with
 * synchronous=FULL makes a commit durable before the call returns, so an
 * acknowledged change survives kill -9 and power loss, and a half-written
 * transaction is rolled back on the next open. better-sqlite3 is synchronous,
 * so no two requests interleave inside a transaction.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ACCOUNTS_SCHEMA, AccountsRepository, migrateAccounts } from './accounts.js';

export type { Role, SessionRecord, TokenRecord, UserRecord } from './accounts.js';

export type RevisionKind = 'apply' | 'rollback' | 'auto-rollback';
export type RevisionStatus = 'applying' | 'provisional' | 'confirmed' | 'superseded' | 'rolled-back' | 'failed';

export interface RevisionRecord {
  id: number;
  parentId: number | null;
  author: string;
  createdAt: string;
  kind: RevisionKind;
  status: RevisionStatus;
  /** JSON of the GatewayModel. */
  model: string;
  script: string;
  diff: string;
  /** Normalized table listing read back after the apply (the drift baseline). */
  baseline: string | null;
  /**
   * A one-forward revision applied as an element delta: its changes against
   * the parent revision, as JSON. `model` and `script` are then empty and are
   * rebuilt from the parent on demand (see GatewayService.revisionModel).
   */
  delta: string | null;
  comment: string;
  restoredFrom: number | null;
}

export interface PendingConfirmation {
  revisionId: number;
  previousRevisionId: number | null;
  /** Epoch ms after which the previous revision is restored. */
  deadline: number;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

export interface DesiredState {
  model: unknown;
  version: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
${ACCOUNTS_SCHEMA}CREATE TABLE IF NOT EXISTS revisions (
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
);
`;

interface RevisionRow {
  id: number;
  parent_id: number | null;
  author: string;
  created_at: string;
  kind: RevisionKind;
  status: RevisionStatus;
  model: string;
  script: string;
  diff: string;
  baseline: string | null;
  comment: string;
  restored_from: number | null;
  delta: string | null;
}

/** The large texts of a revision, kept in revision_texts (see the schema). */
const REVISION_TEXTS = ['model', 'script', 'diff'] as const;
type RevisionTextName = (typeof REVISION_TEXTS)[number];

const SUMMARY_COLUMNS =
  "id, parent_id, author, created_at, kind, status, '' AS model, '' AS script, '' AS diff, baseline, comment, restored_from, delta";

function toRevision(r: RevisionRow): RevisionRecord {
  return {
    id: r.id,
    parentId: r.parent_id,
    author: r.author,
    createdAt: r.created_at,
    kind: r.kind,
    status: r.status,
    model: r.model,
    script: r.script,
    diff: r.diff,
    baseline: r.baseline,
    comment: r.comment,
    restoredFrom: r.restored_from,
    delta: r.delta ?? null,
  };
}

export class Store {
  readonly db: Database.Database;
  /** Users, their sessions and API tokens. */
  readonly accounts: AccountsRepository;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.db = new Database(join(stateDir, 'gatehouse.db'));
    this.db.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged change is on disk.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    // No checkpoint inside a commit: with revisions of megabytes (100,000
    // forwards), SQLite's automatic checkpoint would copy the WAL into the
    // database in whatever request happened to cross its threshold. Commits
    // stay durable (the WAL is fsynced); the copy is done by checkpointSoon(),
    // after the reply.
    this.db.pragma('wal_autocheckpoint = 0');
    this.db.exec(SCHEMA);
    migrateAccounts(this.db);
    this.migrate();
    this.accounts = new AccountsRepository(this.db, (fn) => this.tx(fn));
  }

  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointWaitingSince = 0;

  /**
   * Copies the WAL into the database once writes have been quiet for a
   * moment (each write pushes it back, up to 30 s), off the request path:
   * the copy is synchronous and megabytes long at 100,000 forwards.
   */
  checkpointSoon(quietMs = 3000): void {
    const now = Date.now();
    if (this.checkpointTimer) {
      if (now - this.checkpointWaitingSince > 30_000) return;
      clearTimeout(this.checkpointTimer);
    } else {
      this.checkpointWaitingSince = now;
    }
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      if (this.db.open) this.db.pragma('wal_checkpoint(TRUNCATE)');
    }, quietMs);
    this.checkpointTimer.unref();
  }

  /**
   * Older stores kept the forwards inside the desired-model blob and had no
   * delta column. Forwards are rows now, so that adding one to 100,000 writes
   * one row rather than 15 MB of JSON.
   */
  private migrate(): void {
    const columns = this.db.prepare('PRAGMA table_info(revisions)').all() as Array<{ name: string }>;
    if (!columns.some((c) => c.name === 'delta')) this.db.exec('ALTER TABLE revisions ADD COLUMN delta TEXT');
    const legacy = this.getMeta('desired');
    if (legacy !== undefined) {
      const model = JSON.parse(legacy) as { forwards?: unknown[] };
      if (Array.isArray(model.forwards) && model.forwards.length > 0) {
        this.tx(() => {
          this.writeForwards(model.forwards as Array<{ id: string }>);
          this.setMeta('desired', JSON.stringify({ ...model, forwards: [] }));
        });
      }
    }
  }

  close(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    if (this.db.open) this.db.close();
  }

  /** Runs fn in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    const result = this.db.transaction(fn)();
    this.checkpointSoon();
    return result;
  }

  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  // --- meta -----------------------------------------------------------------

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else
      this.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
        .run(key, value);
  }

  // --- desired state --------------------------------------------------------

  getDesired(): DesiredState | undefined {
    const model = this.getMeta('desired');
    if (model === undefined) return undefined;
    const forwards = (
      this.db.prepare('SELECT body FROM forwards ORDER BY position').all() as Array<{ body: string }>
    ).map((r) => JSON.parse(r.body) as unknown);
    return { model: { ...(JSON.parse(model) as object), forwards }, version: this.desiredVersion() };
  }

  desiredVersion(): number {
    return Number(this.getMeta('desired_version') ?? '0');
  }

  /** Bumps the version if it still is `expectedVersion`; null when somebody else changed it first. */
  private nextVersion(expectedVersion: number | undefined): number | null {
    const current = this.desiredVersion();
    if (expectedVersion !== undefined && expectedVersion !== current) return null;
    this.setMeta('desired_version', String(current + 1));
    return current + 1;
  }

  private writeForwards(forwards: ReadonlyArray<{ id: string }>): void {
    this.db.prepare('DELETE FROM forwards').run();
    const insert = this.db.prepare('INSERT INTO forwards (id, position, body) VALUES (?, ?, ?)');
    forwards.forEach((f, i) => {
      insert.run(f.id, i, JSON.stringify(f));
    });
  }

  /**
   * Replaces the desired model if the version still is `expectedVersion`
   * (optimistic concurrency: the ETag). Returns the new version, or null when
   * somebody else changed it first.
   */
  putDesired(model: { forwards: ReadonlyArray<{ id: string }> }, expectedVersion: number | undefined): number | null {
    return this.tx(() => {
      const next = this.nextVersion(expectedVersion);
      if (next === null) return null;
      this.setMeta('desired', JSON.stringify({ ...model, forwards: [] }));
      this.writeForwards(model.forwards);
      return next;
    });
  }

  /** Creates or replaces one forward of the desired model (a new one goes last). */
  putForward(forward: { id: string }, expectedVersion: number | undefined): number | null {
    return this.tx(() => {
      const next = this.nextVersion(expectedVersion);
      if (next === null) return null;
      const body = JSON.stringify(forward);
      const updated = this.db.prepare('UPDATE forwards SET body = ? WHERE id = ?').run(body, forward.id).changes;
      if (updated === 0) {
        this.db
          .prepare(
            'INSERT INTO forwards (id, position, body) VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM forwards), ?)',
          )
          .run(forward.id, body);
      }
      return next;
    });
  }

  deleteForward(id: string, expectedVersion: number | undefined): number | null {
    return this.tx(() => {
      const next = this.nextVersion(expectedVersion);
      if (next === null) return null;
      this.db.prepare('DELETE FROM forwards WHERE id = ?').run(id);
      return next;
    });
  }

  // --- users, sessions, API tokens: store/accounts.ts -----------------------

  /** For the first-start check in plugins/services.ts. */
  countUsers(): number {
    return this.accounts.countUsers();
  }

  /** For the first admin in plugins/services.ts. */
  createUser(...args: Parameters<AccountsRepository['createUser']>): ReturnType<AccountsRepository['createUser']> {
    return this.accounts.createUser(...args);
  }

  // --- revisions ------------------------------------------------------------

  /**
   * `flush: false` commits without waiting for the disk (synchronous=NORMAL
   * for this statement; WAL mode keeps the database consistent either way).
   * For the `applying` row written just before nft runs: it exists so that a
   * server that crashed mid-apply undoes it at start, and a process crash
   * does not lose a commit that reached the WAL; a power loss could, but it
   * also empties the kernel's ruleset, and boot loads the last confirmed one.
   * The commit that confirms the apply (synchronous=FULL) flushes it too.
   * Saves an fsync (~2 ms here) on the way to nft.
   */
  insertRevision(r: Omit<RevisionRecord, 'id' | 'createdAt'>, options: { flush?: boolean } = {}): RevisionRecord {
    if (options.flush === false) this.db.pragma('synchronous = NORMAL');
    try {
      return this.insertRevisionRow(r);
    } finally {
      if (options.flush === false) this.db.pragma('synchronous = FULL');
    }
  }

  private insertRevisionRow(r: Omit<RevisionRecord, 'id' | 'createdAt'>): RevisionRecord {
    const createdAt = new Date().toISOString();
    const res = this.db
      .prepare(
        `INSERT INTO revisions (parent_id, author, created_at, kind, status, model, script, diff, baseline, comment, restored_from, delta)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.parentId,
        r.author,
        createdAt,
        r.kind,
        r.status,
        '',
        '',
        '',
        r.baseline,
        r.comment,
        r.restoredFrom,
        r.delta,
      );
    const id = Number(res.lastInsertRowid);
    for (const name of REVISION_TEXTS) if (r[name] !== '') this.putRevisionText(id, name, r[name]);
    return { ...r, id, createdAt };
  }

  private putRevisionText(id: number, name: RevisionTextName, text: string): void {
    this.db
      .prepare('INSERT OR REPLACE INTO revision_texts (revision_id, name, text) VALUES (?, ?, ?)')
      .run(id, name, text);
  }

  /**
   * Replaces texts of a revision ('' removes one). Rows written by older
   * versions keep their texts inline: those are emptied, and the condition
   * leaves every other row alone (no rewrite).
   */
  private updateRevisionTexts(id: number, texts: Partial<Record<RevisionTextName, string>>): void {
    for (const name of REVISION_TEXTS) {
      const text = texts[name];
      if (text === undefined) continue;
      if (text !== '') this.putRevisionText(id, name, text);
      else this.db.prepare('DELETE FROM revision_texts WHERE revision_id = ? AND name = ?').run(id, name);
      this.db.prepare(`UPDATE revisions SET ${name} = '' WHERE id = ? AND ${name} != ''`).run(id);
    }
  }

  /** A full revision row with its texts from revision_texts (where they are). */
  private withTexts(row: RevisionRow): RevisionRow {
    const texts = this.db.prepare('SELECT name, text FROM revision_texts WHERE revision_id = ?').all(row.id) as Array<{
      name: RevisionTextName;
      text: string;
    }>;
    for (const t of texts) row[t.name] = t.text;
    return row;
  }

  updateRevision(
    id: number,
    changes: { status?: RevisionStatus; baseline?: string | null; model?: string; script?: string; diff?: string },
  ): void {
    this.updateRevisionTexts(id, changes);
    if (changes.status !== undefined)
      this.db.prepare('UPDATE revisions SET status = ? WHERE id = ?').run(changes.status, id);
    if (changes.baseline !== undefined)
      this.db.prepare('UPDATE revisions SET baseline = ? WHERE id = ?').run(changes.baseline, id);
    this.checkpointSoon();
  }

  getRevision(id: number): RevisionRecord | undefined {
    const row = this.db.prepare('SELECT * FROM revisions WHERE id = ?').get(id) as RevisionRow | undefined;
    return row ? toRevision(this.withTexts(row)) : undefined;
  }

  /**
   * A revision without its model, script and diff (empty strings): those are
   * megabytes at 100,000 forwards, and most readers want the status.
   */
  getRevisionSummary(id: number): RevisionRecord | undefined {
    const row = this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions WHERE id = ?`).get(id) as
      | RevisionRow
      | undefined;
    return row ? toRevision(row) : undefined;
  }

  /** Newest first, without model, script and diff; `before` is a cursor (an id). */
  listRevisions(limit: number, before?: number): RevisionRecord[] {
    const rows = (
      before === undefined
        ? this.db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions ORDER BY id DESC LIMIT ?`).all(limit)
        : this.db
            .prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions WHERE id < ? ORDER BY id DESC LIMIT ?`)
            .all(before, limit)
    ) as RevisionRow[];
    return rows.map(toRevision);
  }

  revisionsWithStatus(status: RevisionStatus): RevisionRecord[] {
    return (this.db.prepare('SELECT * FROM revisions WHERE status = ? ORDER BY id').all(status) as RevisionRow[]).map(
      (r) => toRevision(this.withTexts(r)),
    );
  }

  activeRevisionId(): number | null {
    const v = this.getMeta('active_revision');
    return v === undefined ? null : Number(v);
  }

  setActiveRevision(id: number | null): void {
    this.setMeta('active_revision', id === null ? null : String(id));
  }

  getPending(): PendingConfirmation | undefined {
    const v = this.getMeta('pending');
    return v === undefined ? undefined : (JSON.parse(v) as PendingConfirmation);
  }

  setPending(p: PendingConfirmation | null): void {
    this.setMeta('pending', p === null ? null : JSON.stringify(p));
  }

  // --- audit ----------------------------------------------------------------

  audit(actor: string, action: string, target: string, detail: unknown = {}): void {
    this.db
      .prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), actor, action, target, JSON.stringify(detail ?? {}));
  }

  listAudit(limit: number, before?: number): AuditRecord[] {
    const rows = (
      before === undefined
        ? this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
    ) as Array<{ id: number; at: string; actor: string; action: string; target: string; detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }
}
