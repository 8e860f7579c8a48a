/**
 * The desired gateway model and its version (the ETag). Forwards are rows
 * (one per forward, in order), so that changing one of 100,000 writes one
 * row; the rest of the model is one JSON value in meta. Every write checks
 * the version it was made against (optimistic concurrency) and bumps it.
 */
import type { Db } from './db.js';
import type { MetaRepository } from './meta.js';

export interface StoredDesired {
  /** As stored: the service validates it (a model upgrade may have changed the rules). */
  model: unknown;
  version: number;
}

type Forward = { id: string };

export class DesiredRepository {
  constructor(
    private readonly db: Db,
    private readonly meta: MetaRepository,
  ) {}

  get(): StoredDesired | undefined {
    const body = this.meta.desiredBody();
    if (body === undefined) return undefined;
    const forwards = (
      this.db.sql.prepare('SELECT body FROM forwards ORDER BY position').all() as Array<{ body: string }>
    ).map((r) => JSON.parse(r.body) as unknown);
    return { model: { ...(JSON.parse(body) as object), forwards }, version: this.version() };
  }

  version(): number {
    return this.meta.desiredVersion();
  }

  /** Whether a desired model is stored, without reading its forwards (a cold start with 100,000: 0.2-0.4 s). */
  exists(): boolean {
    return this.meta.desiredBody() !== undefined;
  }

  /**
   * Replaces the model if the version still is `expectedVersion` (undefined:
   * whatever it is). Returns the new version, or null when somebody else
   * changed it first.
   */
  put(model: { forwards: readonly Forward[] }, expectedVersion: number | undefined): number | null {
    return this.write(expectedVersion, () => {
      this.meta.setDesiredBody(JSON.stringify({ ...model, forwards: [] }));
      this.db.sql.prepare('DELETE FROM forwards').run();
      const insert = this.db.sql.prepare('INSERT INTO forwards (id, position, body) VALUES (?, ?, ?)');
      model.forwards.forEach((f, i) => {
        insert.run(f.id, i, JSON.stringify(f));
      });
    });
  }

  /** Creates or replaces one forward (a new one goes last). */
  putForward(forward: Forward, expectedVersion: number | undefined): number | null {
    return this.write(expectedVersion, () => {
      const body = JSON.stringify(forward);
      const updated = this.db.sql.prepare('UPDATE forwards SET body = ? WHERE id = ?').run(body, forward.id).changes;
      if (updated === 0) {
        this.db.sql
          .prepare(
            'INSERT INTO forwards (id, position, body) VALUES (?, (SELECT coalesce(max(position), -1) + 1 FROM forwards), ?)',
          )
          .run(forward.id, body);
      }
    });
  }

  deleteForward(id: string, expectedVersion: number | undefined): number | null {
    return this.write(expectedVersion, () => {
      this.db.sql.prepare('DELETE FROM forwards WHERE id = ?').run(id);
    });
  }

  private write(expectedVersion: number | undefined, change: () => void): number | null {
    return this.db.tx(() => {
      const current = this.version();
      if (expectedVersion !== undefined && expectedVersion !== current) return null;
      change();
      this.meta.setDesiredVersion(current + 1);
      return current + 1;
    });
  }
}
