/**
 * The server's state in one SQLite file: the connection (db.ts), its schema
 * (migrations.ts), and one repository per entity, sharing the connection so
 * that one transaction can span them (`store.tx`).
 */
import { AccountsRepository } from './accounts.js';
import { AuditRepository } from './audit.js';
import { Db } from './db.js';
import { DesiredRepository } from './desired.js';
import { ForwardHitsRepository } from './forward-hits.js';
import { MetaRepository } from './meta.js';
import { migrate } from './migrations.js';
import { RevisionsRepository } from './revisions.js';
import { TakeoverRepository } from './takeover.js';

export type { Role, SessionRecord, TokenRecord, UserRecord } from './accounts.js';
export type { AuditRecord } from './audit.js';
export type { StoredDesired } from './desired.js';
export type { PendingConfirmation } from './meta.js';
export type {
  RevisionFull,
  RevisionKind,
  RevisionStatus,
  RevisionSummary,
  RevisionTexts,
} from './revisions.js';
export type { PendingRetirement, RetiredTable, TableRef } from './takeover.js';

export class Store {
  private readonly db: Db;
  readonly meta: MetaRepository;
  readonly desired: DesiredRepository;
  readonly revisions: RevisionsRepository;
  /** Users, their sessions and API tokens. */
  readonly accounts: AccountsRepository;
  readonly audit: AuditRepository;
  /** Hit totals per forward, kept across applies. */
  readonly forwardHits: ForwardHitsRepository;
  /** Foreign tables an apply retires (taking over a gateway) and what was saved of them. */
  readonly takeover: TakeoverRepository;

  constructor(stateDir: string) {
    this.db = new Db(stateDir);
    migrate(this.db.sql);
    this.meta = new MetaRepository(this.db.sql);
    this.desired = new DesiredRepository(this.db, this.meta);
    this.revisions = new RevisionsRepository(this.db);
    this.accounts = new AccountsRepository(this.db.sql, (fn) => this.db.tx(fn));
    this.audit = new AuditRepository(this.db.sql);
    this.forwardHits = new ForwardHitsRepository(this.db.sql, (fn) => this.db.tx(fn));
    this.takeover = new TakeoverRepository(this.db.sql);
  }

  /** Runs fn in one transaction across repositories (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.tx(fn);
  }

  integrityCheck(): string {
    return this.db.integrityCheck();
  }

  close(): void {
    this.db.close();
  }
}
