/**
 * The golden cases: every goldens/<case>.json holds a one-line description and
 * a model; goldens/<case>.nft is the full expected script. Read by the text
 * comparison (pure/golden.test.ts) and by the kernel load (golden-kernel.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayModel } from '../../src/model.js';

export const GOLDENS_DIR = join(import.meta.dirname, '..', 'goldens');

export interface GoldenCase {
  name: string;
  description: string;
  model: GatewayModel;
  expectedPath: string;
}

export const goldenCases: GoldenCase[] = readdirSync(GOLDENS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    const raw = JSON.parse(readFileSync(join(GOLDENS_DIR, f), 'utf8')) as { description: string; model: unknown };
    return {
      name: f.replace(/\.json$/, ''),
      description: raw.description,
      model: GatewayModel.parse(raw.model),
      expectedPath: join(GOLDENS_DIR, f.replace(/\.json$/, '.nft')),
    };
  });
