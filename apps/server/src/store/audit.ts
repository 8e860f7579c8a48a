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

/** What the log can be narrowed to; every part is optional and they combine with AND. */
export interface AuditFilter {
  /** Part of the actor's name, any case ("admin" also finds "admin (token ci)"). */
  actor?: string | undefined;
  /** An action or a family of them: "login" finds login, login.failed, login.throttled. */
  action?: string | undefined;
  /** Part of the target, any case ("user:" finds every user entry). */
  target?: string | undefined;
  /** ISO timestamps, inclusive; entries store `at` as toISOString, so text comparison is time order. */
  since?: string | undefined;
  until?: string | undefined;
  /** Cursor: only entries older than this id. */
  before?: number | undefined;
}

/** LIKE with the filter's own % and _ taken literally. */
const likeEscape = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export class AuditRepository {
  constructor(private readonly db: Database.Database) {}

  record(actor: string, action: string, target: string, detail: unknown = {}): void {
    this.db
      .prepare('INSERT INTO audit (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), actor, action, target, JSON.stringify(detail ?? {}));
  }

  /** Newest first, at most `limit` entries matching `filter`. */
  list(limit: number, filter: AuditFilter = {}): AuditRecord[] {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (filter.before !== undefined) {
      where.push('id < ?');
      args.push(filter.before);
    }
    if (filter.actor) {
      where.push("actor LIKE ? ESCAPE '\\'");
      args.push(`%${likeEscape(filter.actor)}%`);
    }
    if (filter.action) {
      where.push("(action = ? OR action LIKE ? ESCAPE '\\')");
      args.push(filter.action, `${likeEscape(filter.action)}.%`);
    }
    if (filter.target) {
      where.push("target LIKE ? ESCAPE '\\'");
      args.push(`%${likeEscape(filter.target)}%`);
    }
    if (filter.since) {
      where.push('at >= ?');
      args.push(filter.since);
    }
    if (filter.until) {
      where.push('at <= ?');
      args.push(filter.until);
    }
    const sql = `SELECT * FROM audit${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, limit) as Array<{
      id: number;
      at: string;
      actor: string;
      action: string;
      target: string;
      detail: string;
    }>;
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as unknown }));
  }
}
