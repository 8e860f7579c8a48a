/**
 * The importer's first API, kept while the server's import route moves to
 * importRuleset: the same proposal with its notes flattened to text and the
 * tables as "family name" strings.
 */
import type { FieldProblem, GatewayModelInput } from '../model.js';
import { importRuleset } from './index.js';
import type { ImportNote } from './notes.js';

export interface ImportHints {
  /** Interfaces with their IPv4 prefixes (`ip -j addr`), to find the LAN side of forward targets. */
  interfaces?: Array<{ name: string; prefixes: string[] }>;
  /** Only these tables (family ip or inet); default every table except Gatehouse's own. */
  tables?: string[];
  ownTable?: string;
}

export interface ImportProposal {
  model: GatewayModelInput;
  /** The decisions and harmless defaults, as text (carried-over notes left out). */
  notes: string[];
  /** The same notes with their group, code and parameters. */
  groupedNotes: ImportNote[];
  /** Tables the proposal was read from. */
  sources: string[];
  valid: boolean;
  problems: FieldProblem[];
}

/** @deprecated use importRuleset (grouped notes, tables to retire, equivalence). */
export function proposeModel(rulesetJson: unknown, hints: ImportHints = {}): ImportProposal {
  const r = importRuleset(rulesetJson, {
    ...(hints.interfaces ? { interfaces: hints.interfaces } : {}),
    ...(hints.tables ? { tables: hints.tables } : {}),
    ...(hints.ownTable ? { ownTable: hints.ownTable } : {}),
  });
  return {
    model: r.model,
    notes: r.notes.filter((n) => n.group !== 'carried').map((n) => n.text),
    groupedNotes: r.notes,
    sources: r.tables.map((t) => `${t.family} ${t.name}`),
    valid: r.valid,
    problems: r.problems,
  };
}
