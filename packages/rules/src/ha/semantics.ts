/** The pair section checked against the rest of the model (the section's own checks are in schema.ts). */
import { coded, type IssueParams } from '../issues.js';
import type { HaSection } from './schema.js';

type Issue = (path: (string | number)[], message: string, params: IssueParams) => void;

export function validatePair(
  model: { ha?: HaSection | undefined; interfaces: { wan: string; lan: readonly string[] } },
  issue: Issue,
): void {
  const { ha, interfaces } = model;
  if (!ha) return;
  if (ha.syncInterface === interfaces.wan || interfaces.lan.includes(ha.syncInterface)) {
    issue(
      ['ha', 'syncInterface'],
      `${ha.syncInterface} already carries traffic (WAN or LAN); the sync link needs its own interface`,
      coded('ha.sync_interface_taken', { name: ha.syncInterface }),
    );
  }
}
