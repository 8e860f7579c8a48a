/**
 * `gatehouse apply` and `gatehouse rollback <revision>`: load a revision,
 * provisionally by default, then confirm it over a new connection to the
 * panel (confirm.ts); if none gets through, the server rolls it back at the
 * deadline. On an HA pair node whose peer is unreachable, `--degraded`
 * applies (and confirms) on this node alone.
 */
import type { Api, ApiBody } from '@gatehouse/server/schemas';
import { CommanderError } from 'commander';
import type { Client } from './client.js';
import { confirmByReconnect } from './confirm.js';

export interface ApplyOptions {
  confirmWithin?: number;
  manualConfirm?: boolean;
  confirm: boolean;
  force?: boolean;
  comment?: string;
  degraded?: boolean;
}

export interface ApplyOutput {
  /** The result: the API's JSON with --json, else the human line. */
  print(value: unknown, human: () => string): void;
  /** Progress, to stderr. */
  err(text: string): void;
}

export async function applyAndConfirm(c: Client, path: string, o: ApplyOptions, out: ApplyOutput): Promise<void> {
  if (!o.confirm && (o.confirmWithin !== undefined || o.manualConfirm)) {
    throw new CommanderError(
      2,
      'gatehouse.usage',
      '--no-confirm cannot be combined with --confirm-within or --manual-confirm',
    );
  }
  const body: ApiBody['ApplyBody'] = {
    confirmWithinSeconds: o.confirm ? (o.confirmWithin ?? 30) : undefined,
    force: o.force,
    comment: o.comment,
  };
  const r = await c.request<Api['ApplyResult']>('POST', `${path}${o.degraded ? '?degraded=true' : ''}`, { body });
  const a = r.body;
  if (!a.pending || o.manualConfirm) {
    out.print(a, () =>
      a.pending
        ? `applied revision ${a.revision.id} provisionally (${a.durationMs} ms); run \`gatehouse confirm\` within ${a.pending.secondsLeft} s or it is rolled back\n`
        : `applied revision ${a.revision.id} (${a.durationMs} ms), without confirmation\n`,
    );
    return;
  }
  out.err(
    `applied revision ${a.revision.id} provisionally (${a.durationMs} ms); checking the panel answers over a new connection...\n`,
  );
  const outcome = await confirmByReconnect(c, a.revision.id, {
    secondsLeft: a.pending.secondsLeft,
    degraded: o.degraded ?? false,
    onRetry: (n, why) => out.err(`  attempt ${n}: ${why.split('\n')[0]}\n`),
  });
  if (outcome.kind === 'confirmed') {
    out.print({ ...a, confirmed: true }, () => `confirmed revision ${a.revision.id} over a new connection\n`);
    return;
  }
  throw new CommanderError(
    1,
    'gatehouse.unconfirmed',
    outcome.kind === 'rolled-back'
      ? `revision ${a.revision.id} was rolled back: the panel was not reachable over a new connection before the deadline`
      : `the panel could not be reached over a new connection (${outcome.lastError.split('\n')[0]}); revision ${a.revision.id} is rolled back when the confirmation window ends`,
  );
}
