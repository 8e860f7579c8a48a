/**
 * Taking over an existing gateway (issue #14): which foreign tables the next
 * apply retires (chosen when a proposal is adopted), and what each apply that
 * retired a table saved of it, so that an apply left unconfirmed, or cut
 * short by a crash, puts the table back exactly as it was.
 */
import type Database from 'better-sqlite3';

export interface TableRef {
  family: string;
  name: string;
}

export interface PendingRetirement extends TableRef {
  author: string;
  adoptedAt: string;
}

/** A table one revision's transaction deleted, with its listing (`nft list table`, re-loadable). */
export interface RetiredTable extends TableRef {
  revisionId: number;
  text: string;
  /** The revision whose transaction loaded it again (a rollback), if any. */
  restoredBy: number | null;
}

interface RetiredRow {
  revision_id: number;
  family: string;
  name: string;
  text: string;
  restored_by: number | null;
}

const toRetired = (r: RetiredRow): RetiredTable => ({
  revisionId: r.revision_id,
  family: r.family,
  name: r.name,
  text: r.text,
  restoredBy: r.restored_by,
});

export class TakeoverRepository {
  constructor(private readonly db: Database.Database) {}

  /** The tables the next apply retires, in the order they were chosen. */
  pending(): PendingRetirement[] {
    const rows = this.db
      .prepare('SELECT family, name, author, adopted_at FROM takeover_pending ORDER BY rowid')
      .all() as Array<{ family: string; name: string; author: string; adopted_at: string }>;
    return rows.map((r) => ({ family: r.family, name: r.name, author: r.author, adoptedAt: r.adopted_at }));
  }

  /** Replaces the pending retirement (empty: none). */
  setPending(tables: readonly TableRef[], author: string): void {
    this.db.prepare('DELETE FROM takeover_pending').run();
    this.addPending(tables, author);
  }

  /** Adds tables to the pending retirement (a rollback puts back what it undid); those already there stay as they are. */
  addPending(tables: readonly TableRef[], author: string): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO takeover_pending (family, name, author, adopted_at) VALUES (?, ?, ?, ?)',
    );
    const at = new Date().toISOString();
    for (const t of tables) insert.run(t.family, t.name, author, at);
  }

  /** Records what a revision's transaction retires; written before nft runs, so a crash can undo it. */
  recordRetired(revisionId: number, tables: ReadonlyArray<TableRef & { text: string }>): void {
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO retired_tables (revision_id, family, name, text) VALUES (?, ?, ?, ?)',
    );
    for (const t of tables) insert.run(revisionId, t.family, t.name, t.text);
  }

  /** Forgets what a revision would have retired (nft refused it: nothing was deleted). */
  forgetRetired(revisionId: number): void {
    this.db.prepare('DELETE FROM retired_tables WHERE revision_id = ?').run(revisionId);
  }

  /** The tables these revisions retired and no rollback has put back yet. */
  retiredBy(revisionIds: readonly number[]): RetiredTable[] {
    if (revisionIds.length === 0) return [];
    const marks = revisionIds.map(() => '?').join(', ');
    const rows = this.db
      .prepare(
        `SELECT revision_id, family, name, text, restored_by FROM retired_tables
         WHERE revision_id IN (${marks}) AND restored_by IS NULL ORDER BY revision_id, rowid`,
      )
      .all(...revisionIds) as RetiredRow[];
    return rows.map(toRetired);
  }

  /** Every table a revision retired (for its history), restored or not. */
  ofRevision(revisionId: number): RetiredTable[] {
    const rows = this.db
      .prepare(
        'SELECT revision_id, family, name, text, restored_by FROM retired_tables WHERE revision_id = ? ORDER BY rowid',
      )
      .all(revisionId) as RetiredRow[];
    return rows.map(toRetired);
  }

  markRestored(tables: readonly RetiredTable[], restoredBy: number): void {
    const update = this.db.prepare(
      'UPDATE retired_tables SET restored_by = ? WHERE revision_id = ? AND family = ? AND name = ?',
    );
    for (const t of tables) update.run(restoredBy, t.revisionId, t.family, t.name);
  }
}
