/**
 * Revisions: every apply, rollback and automatic rollback, with the model
 * and script it loaded. Most readers want a revision's status, not its
 * texts (megabytes at 100,000 forwards), so a summary and a full revision
 * are different types, and the texts are read only by asking for them.
 */
import type { Db } from './db.js';

export type RevisionKind = 'apply' | 'rollback' | 'auto-rollback';
export type RevisionStatus = 'applying' | 'provisional' | 'confirmed' | 'superseded' | 'rolled-back' | 'failed';

/** On the peer's copy of a pair revision: the revision it came from. */
export interface RevisionOrigin {
  node: string;
  revisionId: number | null;
}

export interface RevisionSummary {
  id: number;
  parentId: number | null;
  author: string;
  createdAt: string;
  kind: RevisionKind;
  status: RevisionStatus;
  /** Normalized table listing read back after the apply (the drift baseline). */
  baseline: string | null;
  /**
   * A one-forward revision applied as an element delta: its changes against
   * the parent revision, as JSON. It has no model or script text: they are
   * rebuilt from the parent on demand (services/gateway/revisions.ts).
   */
  delta: string | null;
  comment: string;
  restoredFrom: number | null;
  /**
   * The pair nodes that hold this revision (issue #16): null for a revision
   * that is not a pair's; [self] when applied on this node only (degraded);
   * [self, peer] when both hold it.
   */
  nodes: string[] | null;
  /** Set on the peer's copy: the node and revision it was applied from. */
  origin: RevisionOrigin | null;
}

export const REVISION_TEXTS = ['model', 'script', 'diff'] as const;
export type RevisionTextName = (typeof REVISION_TEXTS)[number];
/**
 * The large texts: `model` is the GatewayModel as JSON; '' is a text that was
 * not stored (a delta revision's model and script, a large script that is the
 * model compiled, a diff not computed yet).
 */
export type RevisionTexts = Record<RevisionTextName, string>;

export type RevisionFull = RevisionSummary & RevisionTexts;

export type NewRevision = Omit<RevisionSummary, 'id' | 'createdAt' | 'nodes' | 'origin'> &
  Partial<Pick<RevisionSummary, 'nodes' | 'origin'>> &
  Partial<RevisionTexts>;

interface SummaryRow {
  id: number;
  parent_id: number | null;
  author: string;
  created_at: string;
  kind: RevisionKind;
  status: RevisionStatus;
  baseline: string | null;
  comment: string;
  restored_from: number | null;
  delta: string | null;
  nodes: string | null;
  origin: string | null;
}

const SUMMARY_COLUMNS =
  'id, parent_id, author, created_at, kind, status, baseline, comment, restored_from, delta, nodes, origin';

function parseJson<T>(text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

const toSummary = (r: SummaryRow): RevisionSummary => ({
  id: r.id,
  parentId: r.parent_id,
  author: r.author,
  createdAt: r.created_at,
  kind: r.kind,
  status: r.status,
  baseline: r.baseline,
  delta: r.delta ?? null,
  comment: r.comment,
  restoredFrom: r.restored_from,
  nodes: parseJson<string[]>(r.nodes),
  origin: parseJson<RevisionOrigin>(r.origin),
});

export class RevisionsRepository {
  constructor(private readonly db: Db) {}

  /**
   * `flush: false` commits without waiting for the disk. For the `applying`
   * row written just before nft runs: it exists so that a server that
   * crashed mid-apply undoes it at start, and a process crash does not lose
   * a commit that reached the WAL; a power loss could, but it also empties
   * the kernel's ruleset, and boot loads the last confirmed one. The commit
   * that confirms the apply (synchronous=FULL) flushes it too. Saves an
   * fsync (~2 ms here) on the way to nft.
   */
  insert(r: NewRevision, options: { flush?: boolean } = {}): RevisionSummary {
    const write = () => {
      const createdAt = new Date().toISOString();
      const res = this.db.sql
        .prepare(
          `INSERT INTO revisions (parent_id, author, created_at, kind, status, model, script, diff, baseline, comment, restored_from, delta, nodes, origin)
           VALUES (?, ?, ?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.parentId,
          r.author,
          createdAt,
          r.kind,
          r.status,
          r.baseline,
          r.comment,
          r.restoredFrom,
          r.delta,
          r.nodes ? JSON.stringify(r.nodes) : null,
          r.origin ? JSON.stringify(r.origin) : null,
        );
      const id = Number(res.lastInsertRowid);
      for (const name of REVISION_TEXTS) {
        const text = r[name];
        if (text) this.putText(id, name, text);
      }
      const { model: _m, script: _s, diff: _d, ...summary } = r;
      return { ...summary, nodes: r.nodes ?? null, origin: r.origin ?? null, id, createdAt };
    };
    return options.flush === false ? this.db.unflushed(write) : write();
  }

  /**
   * Texts go in one transaction of their own that does not wait for the disk
   * (unless the caller's transaction holds them), and the WAL is then flushed
   * in the background (Db.flushInBackground). The megabytes of model and
   * script an apply writes while nft loads them were two commits, two fsyncs
   * of ~1 MB on the main thread: 40-160 ms at 10,000 forwards on this VM,
   * longer than nft takes, so the reply waited for them. Nothing is lost that
   * matters: the apply's confirming commit (synchronous=FULL) makes them
   * durable with it, a diff is a cache computed again, and a process crash
   * keeps what reached the WAL either way.
   */
  update(id: number, changes: { status?: RevisionStatus; baseline?: string | null } & Partial<RevisionTexts>): void {
    if (REVISION_TEXTS.some((name) => changes[name] !== undefined)) {
      if (this.db.sql.inTransaction) this.writeTexts(id, changes);
      else {
        this.db.unflushed(() => this.db.sql.transaction(() => this.writeTexts(id, changes))());
        this.db.flushInBackground();
      }
    }
    if (changes.status !== undefined)
      this.db.sql.prepare('UPDATE revisions SET status = ? WHERE id = ?').run(changes.status, id);
    if (changes.baseline !== undefined)
      this.db.sql.prepare('UPDATE revisions SET baseline = ? WHERE id = ?').run(changes.baseline, id);
    this.db.checkpointSoon();
  }

  private writeTexts(id: number, changes: Partial<RevisionTexts>): void {
    for (const name of REVISION_TEXTS) {
      const text = changes[name];
      if (text === undefined) continue;
      if (text !== '') this.putText(id, name, text);
      else this.db.sql.prepare('DELETE FROM revision_texts WHERE revision_id = ? AND name = ?').run(id, name);
      // Rows written by older versions keep their texts inline: those are
      // emptied, and the condition leaves every other row alone (no rewrite).
      this.db.sql.prepare(`UPDATE revisions SET ${name} = '' WHERE id = ? AND ${name} != ''`).run(id);
    }
  }

  /** Which pair nodes hold a revision, and where the peer's copy came from (issue #16). */
  setPair(id: number, pair: { nodes?: string[] | null; origin?: RevisionOrigin | null }): void {
    if (pair.nodes !== undefined)
      this.db.sql
        .prepare('UPDATE revisions SET nodes = ? WHERE id = ?')
        .run(pair.nodes ? JSON.stringify(pair.nodes) : null, id);
    if (pair.origin !== undefined)
      this.db.sql
        .prepare('UPDATE revisions SET origin = ? WHERE id = ?')
        .run(pair.origin ? JSON.stringify(pair.origin) : null, id);
  }

  summary(id: number): RevisionSummary | undefined {
    const row = this.db.sql.prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions WHERE id = ?`).get(id) as
      | SummaryRow
      | undefined;
    return row ? toSummary(row) : undefined;
  }

  full(id: number): RevisionFull | undefined {
    const summary = this.summary(id);
    if (!summary) return undefined;
    return { ...summary, model: this.text(id, 'model'), script: this.text(id, 'script'), diff: this.text(id, 'diff') };
  }

  /** One text of a revision: from revision_texts, else inline in an older row; '' when it has none. */
  text(id: number, name: RevisionTextName): string {
    const own = this.db.sql
      .prepare('SELECT text FROM revision_texts WHERE revision_id = ? AND name = ?')
      .get(id, name) as { text: string } | undefined;
    if (own) return own.text;
    const inline = this.db.sql.prepare(`SELECT ${name} AS text FROM revisions WHERE id = ?`).get(id) as
      | { text: string }
      | undefined;
    return inline?.text ?? '';
  }

  /** Newest first; `before` is a cursor (an id). */
  list(limit: number, before?: number): RevisionSummary[] {
    const rows = (
      before === undefined
        ? this.db.sql.prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions ORDER BY id DESC LIMIT ?`).all(limit)
        : this.db.sql
            .prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions WHERE id < ? ORDER BY id DESC LIMIT ?`)
            .all(before, limit)
    ) as SummaryRow[];
    return rows.map(toSummary);
  }

  withStatus(status: RevisionStatus): RevisionSummary[] {
    return (
      this.db.sql
        .prepare(`SELECT ${SUMMARY_COLUMNS} FROM revisions WHERE status = ? ORDER BY id`)
        .all(status) as SummaryRow[]
    ).map(toSummary);
  }

  private putText(id: number, name: RevisionTextName, text: string): void {
    this.db.sql
      .prepare('INSERT OR REPLACE INTO revision_texts (revision_id, name, text) VALUES (?, ?, ?)')
      .run(id, name, text);
  }
}
