/**
 * `gatehouse import`: the proposal read from the live ruleset (GET
 * /import/proposal) as lines a person reads: the summary, the tables read
 * (and whether each may be retired), the notes by group, and the
 * equivalence report with differing ports marked.
 */
import type { Api } from '@gatehouse/server/schemas';
import { table } from './output.js';

type Proposal = Api['ImportProposal'];

const GROUPS = [
  ['decision', 'needs a decision'],
  ['carried', 'carried over'],
  ['harmless', 'harmless defaults'],
] as const;

export function formatProposal(p: Proposal): string {
  const out: string[] = [`summary: ${p.summary.message}`];
  if (!p.valid) {
    out.push('the proposal is not a valid model:');
    for (const problem of p.problems) out.push(`  ${problem.path}: ${problem.message}`);
  }
  for (const i of p.interfaces)
    if (!i.live) out.push(`warning: interface ${i.name} (${i.role}) is not on this gateway`);
  out.push('', 'tables read:');
  for (const t of p.tables) {
    out.push(`  ${t.family} ${t.name} (${t.tool})${t.retirable ? '' : `: kept (${t.reason})`}`);
  }
  if (p.tables.length === 0) out.push('  none');
  for (const [group, title] of GROUPS) {
    const notes = p.noteList.filter((n) => n.group === group);
    out.push('', `${title} (${notes.length}):`);
    for (const n of notes) out.push(`  ${n.message}`);
  }
  out.push('', 'equivalence:');
  if (p.equivalence.length === 0) out.push('  no port could be tried');
  else
    out.push(
      table(
        ['', 'PORT', 'WHY', 'OLD RULESET', 'PROPOSAL'],
        p.equivalence.map((r) => [r.differs ? '!' : '=', `${r.protocol} ${r.port}`, r.kind, r.before, r.after]),
      ).trimEnd(),
    );
  if (p.pendingTakeover.length > 0) {
    out.push('', `the next apply retires: ${p.pendingTakeover.map((t) => `${t.family} ${t.name}`).join(', ')}`);
  }
  return `${out.join('\n')}\n`;
}
