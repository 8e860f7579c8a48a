import { z } from 'zod';
import { FieldProblem } from './common.js';
import { GatewayConfig } from './gateway.js';

export const ImportProposal = z
  .object({
    model: z
      .record(z.string(), z.unknown())
      .describe('the proposed gateway model (may be invalid: see valid and problems)'),
    notes: z.array(z.string()).describe('rules and objects not carried over, and guesses that need a look'),
    sources: z.array(z.string()).describe('the tables the proposal was read from, e.g. "ip my_nat"'),
    valid: z.boolean(),
    problems: z.array(FieldProblem),
    script: z.string().nullable().describe('the script the proposal compiles to (null when it is invalid)'),
    diff: z.string().describe('unified diff from the script of the current desired model to the proposal'),
    desiredVersion: z.number().describe('version of the desired model the diff is against (send it as If-Match)'),
  })
  .meta({ id: 'ImportProposal' });

export const ImportAdoptBody = z.object({ model: GatewayConfig });
export const ImportAdoptResult = z.object({ model: GatewayConfig, version: z.number() });
