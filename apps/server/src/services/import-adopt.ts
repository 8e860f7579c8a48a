/**
 * Adopting an import: the (reviewed) proposal becomes the desired model and
 * the tables the operator chose to retire become the pending takeover, in
 * one store transaction; the usual apply (with confirmation) then loads our
 * table and deletes those tables in one nft transaction (gateway/takeover.ts).
 *
 * Each table to retire must be one the import read, not ours, in the kernel
 * now, and saved in a form nft loads back (so a rollback can restore it).
 * `?apply=true` applies at once; if that apply fails, the desired model and
 * the pending takeover go back to what they were.
 */
import { type GatewayModel, NftError } from '@gatehouse/rules';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import type { ImportAdoptBody } from '../schemas/import.js';
import type { TableRef } from '../store/store.js';
import type { Desired } from './gateway/desired-state.js';
import { tableKey } from './gateway/takeover.js';
import type { GatewayService } from './gateway.js';
import { buildProposal } from './import-proposal.js';
import type { OperatorConnection } from './lockout.js';

export interface AdoptRequest {
  body: z.output<typeof ImportAdoptBody>;
  ifVersion: number;
  actor: string;
  apply: boolean;
  /** A pair node whose peer is unreachable: apply on this node alone (`?degraded=true`). */
  degraded?: boolean;
  operator: OperatorConnection | null;
}

export interface AdoptOutcome {
  desired: Desired;
  retire: TableRef[];
  revision: number | null;
}

const problem = (i: number, code: string, message: string, t: TableRef) =>
  new HttpError(400, code, message, {
    params: { table: tableKey(t) },
    problems: [{ path: `body.retire.${i}`, message, code, params: { table: tableKey(t) } }],
  });

export async function adoptImport(
  g: GatewayService,
  runner: Parameters<typeof buildProposal>[1],
  log: FastifyBaseLogger,
  r: AdoptRequest,
): Promise<AdoptOutcome> {
  // What the import reads now (no equivalence report: adopting does not show it).
  const view = await buildProposal(g, runner, log, false);
  const own = g.desired().model.table;
  const live = await g.takeover.liveTables();
  const retire: TableRef[] = [];
  const seen = new Set<string>();
  r.body.retire.forEach((t, i) => {
    if (seen.has(tableKey(t))) return;
    seen.add(tableKey(t));
    if (t.name === own && (t.family === 'ip' || t.family === 'inet'))
      throw problem(i, 'import_own_table', `table ${tableKey(t)} is Gatehouse's own table; it is never retired`, t);
    if (!live.some((l) => l.family === t.family && l.name === t.name))
      throw new HttpError(409, 'import_table_gone', `table ${tableKey(t)} is no longer in the kernel`, {
        params: { table: tableKey(t) },
      });
    const read = view.tables.find((v) => v.family === t.family && v.name === t.name);
    if (!read)
      throw problem(
        i,
        'import_table_not_read',
        `table ${tableKey(t)} is not one the import read; only those may be retired`,
        t,
      );
    if (!read.retirable)
      throw problem(
        i,
        'import_table_kept',
        `table ${tableKey(t)} is managed by another tool (${read.tool}) and stays; it cannot be retired`,
        t,
      );
    retire.push({ family: t.family, name: t.name });
  });
  // Saved now only to prove a rollback could load it back; the apply saves it again, as it is then.
  await g.takeover.checkRestorable(await g.takeover.save(retire));

  let model: unknown = r.body.model;
  if (model === undefined) {
    if (!view.valid) {
      throw new HttpError(422, 'import_invalid_proposal', 'the proposal is not a valid model; edit it and send it', {
        problems: view.problems.map((p) => ({ ...p, path: p.path ? `body.model.${p.path}` : 'body.model' })),
      });
    }
    model = view.model;
  }
  const before: GatewayModel = g.desired().model;
  const pendingBefore = g.takeover.pending();
  const desired = g.takeover.adopt(
    () =>
      g.putDesired(model, r.ifVersion, r.actor, 'config.import', 'config', (p) =>
        p ? `body.model.${p}` : 'body.model',
      ),
    retire,
    r.actor,
  );
  if (!r.apply) return { desired, retire, revision: null };
  try {
    const outcome = await g.apply({
      actor: r.actor,
      operator: r.operator,
      degraded: r.degraded ?? false,
      ...(r.body.comment ? { comment: r.body.comment } : {}),
    });
    return { desired: g.desired(), retire, revision: outcome.revision.id };
  } catch (err) {
    const code = err instanceof HttpError ? err.code : err instanceof NftError ? 'nft_rejected' : 'apply_failed';
    const undone = g.revertDesired(before, desired.version, r.actor, code);
    g.takeover.restorePending(pendingBefore);
    log.warn({ code, undone: undone !== null }, 'adopting with ?apply=true failed; the adoption was undone');
    throw err;
  }
}
