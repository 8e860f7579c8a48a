/**
 * The store's single values (the `meta` table), one typed accessor each:
 * this module is the only one that knows their keys and encodings.
 */
import type Database from 'better-sqlite3';

export interface PendingConfirmation {
  revisionId: number;
  previousRevisionId: number | null;
  /** Epoch ms after which the previous revision is restored. */
  deadline: number;
}

const KEYS = {
  /** The desired model without its forwards (those are rows: store/desired.ts), as JSON. */
  desiredBody: 'desired',
  /** The desired model's version, the number in its ETag. */
  desiredVersion: 'desired_version',
  activeRevision: 'active_revision',
  /** The desired version the active revision was applied from (the kernel holds exactly it). */
  appliedFrom: 'applied_desired_version',
  /** The provisional apply waiting for confirmation, as JSON. */
  pending: 'pending',
} as const;

type Key = (typeof KEYS)[keyof typeof KEYS];

export class MetaRepository {
  constructor(private readonly db: Database.Database) {}

  private get(key: Key): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  private set(key: Key, value: string | null): void {
    if (value === null) this.db.prepare('DELETE FROM meta WHERE key = ?').run(key);
    else
      this.db
        .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
        .run(key, value);
  }

  private number(key: Key): number | null {
    const v = this.get(key);
    return v === undefined ? null : Number(v);
  }

  private setNumber(key: Key, n: number | null): void {
    this.set(key, n === null ? null : String(n));
  }

  desiredBody(): string | undefined {
    return this.get(KEYS.desiredBody);
  }

  setDesiredBody(json: string): void {
    this.set(KEYS.desiredBody, json);
  }

  desiredVersion(): number {
    return this.number(KEYS.desiredVersion) ?? 0;
  }

  setDesiredVersion(v: number): void {
    this.setNumber(KEYS.desiredVersion, v);
  }

  activeRevisionId(): number | null {
    return this.number(KEYS.activeRevision);
  }

  setActiveRevisionId(id: number | null): void {
    this.setNumber(KEYS.activeRevision, id);
  }

  appliedFrom(): number | null {
    return this.number(KEYS.appliedFrom);
  }

  setAppliedFrom(version: number | null): void {
    this.setNumber(KEYS.appliedFrom, version);
  }

  pending(): PendingConfirmation | null {
    const v = this.get(KEYS.pending);
    return v === undefined ? null : (JSON.parse(v) as PendingConfirmation);
  }

  setPending(p: PendingConfirmation | null): void {
    this.set(KEYS.pending, p === null ? null : JSON.stringify(p));
  }
}
