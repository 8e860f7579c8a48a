/**
 * Drift repair, the other way round from restore: the hand change is adopted
 * into the model. The live table is read back (@gatehouse/rules own-table.ts,
 * with the applied revision's model for names, comments and disabled
 * forwards) and, when the model can say all of it, becomes the desired model:
 * pending, then the usual apply makes it a revision (and the drift baseline).
 * What the model cannot say is listed, and adopting is refused.
 */
import { type GatewayModel, type OwnTableReading, type Runner, readOwnTableLive } from '@gatehouse/rules';
import { HttpError } from '../lib/errors.js';
import { type Sentence, summarizeChange } from './gateway/summary.js';
import type { GatewayService } from './gateway.js';

export interface AdoptionPreview {
  appliedRevision: number | null;
  desiredVersion: number;
  changed: boolean;
  adoptable: boolean;
  sentences: Sentence[];
  unexpressible: OwnTableReading['unexpressible'];
  replacesPending: boolean;
  model: GatewayModel | null;
}

const same = (a: GatewayModel | null, b: GatewayModel | null) => JSON.stringify(a) === JSON.stringify(b);

export class DriftAdoption {
  constructor(
    private readonly gateway: GatewayService,
    private readonly runner: Runner,
  ) {}

  /** What adopting would make the desired model, in plain words, or why it cannot. */
  async preview(): Promise<AdoptionPreview> {
    const active = this.gateway.activeRevision();
    const applied = this.gateway.revisionModel(active);
    const desired = this.gateway.desired();
    if (!active || !applied) {
      const none = { sentences: [], unexpressible: [], model: null };
      return {
        appliedRevision: null,
        desiredVersion: desired.version,
        changed: false,
        adoptable: false,
        replacesPending: false,
        ...none,
      };
    }
    const read = await this.read(applied);
    return {
      appliedRevision: active.id,
      desiredVersion: desired.version,
      changed: read.model === null || !same(read.model, applied),
      adoptable: read.model !== null && read.unexpressible.length === 0,
      sentences: read.model ? summarizeChange(applied, read.model) : [],
      unexpressible: read.unexpressible,
      replacesPending: this.gateway.desiredDiffersFromApplied(),
      model: read.model,
    };
  }

  /** Makes the live table's model the desired one (checked against `ifVersion`); the live table is read again. */
  async adopt(ifVersion: number | undefined, actor: string) {
    const p = await this.preview();
    if (p.appliedRevision === null) {
      throw new HttpError(409, 'nothing_applied', 'nothing has been applied yet: there is nothing to adopt into');
    }
    if (!p.model && p.unexpressible.length === 0) {
      throw new HttpError(409, 'table_missing', 'our table is gone from the kernel: restore it instead');
    }
    if (!p.adoptable || !p.model) {
      throw new HttpError(
        422,
        'drift_not_adoptable',
        `this hand change cannot be adopted: ${p.unexpressible.map((u) => u.text).join('; ')}`,
        {
          problems: p.unexpressible.map((u) => ({ path: 'table', message: u.text, code: u.code, params: u.params })),
        },
      );
    }
    if (!p.changed) throw new HttpError(409, 'nothing_to_adopt', 'the live table is what the applied revision loaded');
    const d = this.gateway.putDesired(p.model, ifVersion, actor, 'config.adopt_drift', 'config', (path) =>
      path ? `model.${path}` : 'model',
    );
    return { version: d.version, sentences: p.sentences };
  }

  private async read(applied: GatewayModel): Promise<OwnTableReading> {
    try {
      return await readOwnTableLive(applied.table, applied, { runner: this.runner });
    } catch {
      // `nft list table` fails when the table is gone: nothing to adopt from.
      return { model: null, unexpressible: [] };
    }
  }
}
