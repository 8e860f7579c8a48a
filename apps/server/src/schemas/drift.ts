/** Adopting a hand change into the model, and restoring a rejected revision as the desired state. */
import { GatewayModel } from '@gatehouse/rules/model';
import { z } from 'zod';
import { ChangeSentence } from './pending.js';

/** Something in the live table the model cannot say (@gatehouse/rules own-table.ts). */
export const Unexpressible = z.object({
  code: z
    .enum(['adopt.rule', 'adopt.element', 'adopt.object', 'adopt.missing', 'adopt.invalid'])
    .describe(
      'a rule, map element or object the model has no words for; or one it would add; or a model that would not validate',
    ),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  text: z.string().describe('in English, e.g. "rule in chain forward_filter: ip saddr 10.9.9.9 drop"'),
});

/** GET /drift/adoption */
export const DriftAdoption = z.object({
  appliedRevision: z.number().nullable(),
  desiredVersion: z.number(),
  changed: z.boolean().describe('the live table says something other than the applied revision'),
  adoptable: z.boolean().describe('the model can say the live table exactly: nothing is unexpressible'),
  sentences: z.array(ChangeSentence).describe('the hand change in plain words: applied revision -> live table'),
  unexpressible: z.array(Unexpressible).describe('why it cannot be adopted; empty when adoptable'),
  replacesPending: z.boolean().describe('the desired model holds changes not applied yet, which adopting replaces'),
  model: GatewayModel.nullable().describe('the model the live table says; null when it cannot be read'),
});

/** POST /drift/adopt, POST /revisions/:id/restore */
export const DesiredWriteBody = z.object({}).nullish().describe('optional, empty');

/** POST /drift/adopt */
export const AdoptResult = z.object({
  version: z.number().describe('the new desired version (also the ETag)'),
  sentences: z.array(ChangeSentence).describe('what the adopted model changes against the applied revision'),
});

/** POST /revisions/:id/restore */
export const RevisionRestoreResult = z.object({
  version: z.number().describe('the new desired version (also the ETag)'),
  revisionId: z.number(),
  sentences: z.array(ChangeSentence).describe('what applying the restored model would change'),
});
