/**
 * Taking over an existing gateway: the foreign tables an import read, which
 * the operator chose to retire, go away in the SAME nft transaction as the
 * apply that loads our table (their `delete table` lines come after our
 * table's definition, never in a call of their own), so there is no moment
 * with both or neither acting on the traffic.
 *
 * Before that transaction each table's listing (`nft list table`, which nft
 * loads back as it was: counters, sets, helper objects) is saved with the
 * revision (store/takeover.ts). A rollback of an unconfirmed takeover, the
 * deadline's or "roll back now", and a restart's recovery of an interrupted
 * apply, load it back in the transaction that restores our table, as
 * `table F N` / `delete table F N` / the listing: the same script whether or
 * not the table exists at that moment.
 *
 * The lockout check sees the takeover: a retired table's rules stop acting,
 * and they may be what carries the operator's connection to the panel (a
 * redirect of a public port). What the table does is read by the importer
 * (importRuleset on that table alone) and checked like the previous model.
 */
import { type GatewayModel, importRuleset, type Runner, validateModel } from '@gatehouse/rules';
import { HttpError } from '../../lib/errors.js';
import type { PendingRetirement, RetiredTable, Store, TableRef } from '../../store/store.js';
import { type LockoutProblem, lockoutProblems, type OperatorConnection } from '../lockout.js';

export type SavedTable = TableRef & { text: string };

export const tableKey = (t: TableRef): string => `${t.family} ${t.name}`;

/** `delete table` lines for the retired tables: appended after our table's definition. */
export function retireLines(tables: readonly TableRef[]): string {
  return tables.map((t) => `delete table ${tableKey(t)}\n`).join('');
}

/** A saved table loaded back as it was, whether or not it exists when this runs. */
export function recreateScript(tables: readonly SavedTable[]): string {
  return tables
    .map((t) => {
      const text = t.text.endsWith('\n') ? t.text : `${t.text}\n`;
      return `table ${tableKey(t)}\ndelete table ${tableKey(t)}\n${text}`;
    })
    .join('');
}

/** The revisions from `undone` up its parents to `target` (excluded): what a rollback to `target` undoes. */
export function undoneChain(store: Store, undone: number, target: number | null): number[] {
  const ids: number[] = [];
  for (let id: number | null = undone; id !== null && id !== target && ids.length < 10_000; ) {
    ids.push(id);
    id = store.revisions.summary(id)?.parentId ?? null;
  }
  return ids;
}

export class Takeover {
  constructor(
    private readonly store: Store,
    private readonly runner: Runner,
  ) {}

  /** The tables in the kernel now (`nft list tables`), as family + name. */
  async liveTables(): Promise<TableRef[]> {
    const r = await this.runner.run('nft', ['list', 'tables'], { reject: false });
    if (r.exitCode !== 0) throw new HttpError(502, 'nft_failed', 'could not list the tables (nft list tables)');
    const out: TableRef[] = [];
    for (const line of r.stdout.split('\n')) {
      const m = /^table (\S+) (\S+)$/.exec(line.trim());
      if (m) out.push({ family: m[1] as string, name: m[2] as string });
    }
    return out;
  }

  /** Each table's listing as nft prints it; a table that is gone is refused (409 import_table_gone). */
  async save(tables: readonly TableRef[]): Promise<SavedTable[]> {
    const saved: SavedTable[] = [];
    for (const t of tables) {
      const r = await this.runner.run('nft', ['list', 'table', t.family, t.name], { reject: false });
      if (r.exitCode !== 0 || !r.stdout.trim()) {
        throw new HttpError(409, 'import_table_gone', `table ${tableKey(t)} is no longer in the kernel`, {
          params: { table: tableKey(t) },
        });
      }
      saved.push({ ...t, text: r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n` });
    }
    return saved;
  }

  /**
   * The listings of the pending tables still in the kernel, for an apply: a
   * table removed by hand since the adopt is already gone, and is not what
   * the apply should fail on.
   */
  async saveLive(tables: readonly TableRef[]): Promise<SavedTable[]> {
    if (tables.length === 0) return [];
    const live = await this.liveTables();
    return this.save(tables.filter((t) => live.some((l) => l.family === t.family && l.name === t.name)));
  }

  /**
   * That the saved listings load back (nft -c, nothing changed): a table
   * holding what nft cannot print back (iptables-nft's xt matches) could not
   * be restored by a rollback, so it is not retired (409 import_table_not_restorable).
   */
  async checkRestorable(saved: readonly SavedTable[]): Promise<void> {
    for (const t of saved) {
      const r = await this.runner.run('nft', ['-c', '-f', '-'], { input: recreateScript([t]), reject: false });
      if (r.exitCode !== 0) {
        throw new HttpError(
          409,
          'import_table_not_restorable',
          `table ${tableKey(t)} cannot be saved in a form nft loads back, so a rollback could not restore it; remove it by hand after confirming, or leave it`,
          { params: { table: tableKey(t) } },
        );
      }
    }
  }

  /**
   * What retiring the tables does to the operator's connection: each table
   * as the importer reads it, walked like the previous model. A table whose
   * effect cannot be read as a model is a problem itself (force overrides).
   */
  async lockoutProblems(
    candidate: GatewayModel,
    tables: readonly TableRef[],
    op: OperatorConnection | null,
  ): Promise<LockoutProblem[]> {
    if (tables.length === 0 || !op?.interface) return [];
    const listing = await this.runner.run('nft', ['-j', 'list', 'ruleset'], { reject: false });
    const json = listing.exitCode === 0 ? safeJson(listing.stdout) : null;
    const problems: LockoutProblem[] = [];
    for (const t of tables) {
      const proposal = json ? importRuleset(json, { tables: [tableKey(t)], ownTable: candidate.table }) : null;
      const parsed = proposal ? validateModel({ ...proposal.model, table: candidate.table }) : null;
      if (!parsed?.ok) {
        problems.push({
          reason: `table ${tableKey(t)} is retired by this apply, and what it does with your connection could not be read; send force: true to apply anyway`,
        });
        continue;
      }
      for (const p of lockoutProblems(candidate, parsed.model, op)) {
        problems.push({ reason: `table ${tableKey(t)}, retired by this apply: ${p.reason}` });
      }
    }
    return problems;
  }

  /** The tables the next apply retires. */
  pending(): PendingRetirement[] {
    return this.store.takeover.pending();
  }

  /** Runs `change` (storing the desired model) and sets the pending retirement, in one store transaction. */
  adopt<T>(change: () => T, tables: readonly TableRef[], actor: string): T {
    return this.store.tx(() => {
      const result = change();
      this.store.takeover.setPending(tables, actor);
      this.store.audit.record(actor, 'import.takeover', 'gateway', { retire: tables.map(tableKey) });
      return result;
    });
  }

  /** Puts back a pending retirement as it was (a failed `?apply=true` adopt undoes its takeover too). */
  restorePending(tables: readonly PendingRetirement[]): void {
    this.store.tx(() => {
      this.store.takeover.setPending([], 'system');
      for (const t of tables) this.store.takeover.addPending([t], t.author);
    });
  }

  /** Nothing is retired at the next apply; returns what was pending. */
  cancel(actor: string): PendingRetirement[] {
    return this.store.tx(() => {
      const was = this.store.takeover.pending();
      this.store.takeover.setPending([], actor);
      if (was.length > 0) this.store.audit.record(actor, 'import.takeover.cancel', 'gateway', {});
      return was;
    });
  }

  /** The tables an unconfirmed chain of revisions retired and no rollback has put back. */
  retiredIn(revisionIds: readonly number[]): RetiredTable[] {
    return this.store.takeover.retiredBy(revisionIds);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
