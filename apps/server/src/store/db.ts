/**
 * The one SQLite connection (better-sqlite3) and its transactions.
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
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export class Db {
  readonly sql: Database.Database;
  private readonly path: string;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private checkpointWaitingSince = 0;

  constructor(stateDir: string) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.path = join(stateDir, 'gatehouse.db');
    this.sql = new Database(this.path);
    this.sql.pragma('journal_mode = WAL');
    // FULL: the WAL is fsynced at every commit, so an acknowledged change is on disk.
    this.sql.pragma('synchronous = FULL');
    this.sql.pragma('foreign_keys = ON');
    this.sql.pragma('busy_timeout = 5000');
    // No checkpoint inside a commit: with revisions of megabytes (100,000
    // forwards), SQLite's automatic checkpoint would copy the WAL into the
    // database in whatever request happened to cross its threshold. Commits
    // stay durable (the WAL is fsynced); the copy is done by checkpointSoon(),
    // after the reply.
    this.sql.pragma('wal_autocheckpoint = 0');
  }

  /** Runs fn in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    const result = this.sql.transaction(fn)();
    this.checkpointSoon();
    return result;
  }

  /**
   * Commits without waiting for the disk (synchronous=NORMAL for `fn`; WAL
   * mode keeps the database consistent either way). For writes whose loss in
   * a power cut costs nothing: see RevisionsRepository.insert.
   */
  unflushed<T>(fn: () => T): T {
    this.sql.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.sql.pragma('synchronous = FULL');
    }
  }

  /**
   * Flushes the WAL to disk in libuv's thread pool (fdatasync on a file
   * descriptor of its own: a flush covers the file, whichever descriptor asks),
   * so that the next synchronous=FULL commit finds the megabytes written
   * before it already on disk and waits only for its own pages. Nothing
   * depends on it finishing: it shortens a later commit's fsync.
   */
  flushInBackground(): void {
    void (async () => {
      const file = await open(`${this.path}-wal`, 'r');
      try {
        await file.datasync();
      } finally {
        await file.close();
      }
    })().catch(() => undefined);
  }

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
      if (this.sql.open) this.sql.pragma('wal_checkpoint(TRUNCATE)');
    }, quietMs);
    this.checkpointTimer.unref();
  }

  integrityCheck(): string {
    return String(this.sql.pragma('integrity_check', { simple: true }));
  }

  close(): void {
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    if (this.sql.open) this.sql.close();
  }
}
