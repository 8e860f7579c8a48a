/** The audit log: who did what to which object, append-only. */
import type Database from 'better-sqlite3';

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

export class AuditRepository {
  constructor(private readonly db: Database.Database) {}

  record(actor: string, action: string, target: string, detail: unknown = {}): void {
    this.db
      .prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), actor, action, target, JSON.stringify(detail ?? {}));
  }

  /** Newest first; `before` is a cursor (an id). */
  list(limit: number, before?: number): AuditRecord[] {
    const rows = (
      before === undefined
        ? this.db.prepare('SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
    ) as Array<{ id: number; at: string; actor: string; action: string; target: string; detail: string }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }
}
