/**
 * The import proposal as the API shows it: the live ruleset read by the
 * importer (@gatehouse/rules importWithEquivalence), with the Gatehouse table name the
 * panel already owns, its script and diff against the desired model, the
 * notes in their groups, the equivalence report, the tables read (and which
 * may be retired), and the proposal's interfaces checked against the live
 * ones. Nothing is changed.
 *
 * The importer's output is read tolerantly (notes as lines or as grouped
 * objects, an equivalence report or none): the API's shape stays the same.
 */
import {
  compile,
  type FieldProblem,
  importRuleset,
  importWithEquivalence,
  type Runner,
  validateModel,
} from '@gatehouse/rules';
import { createTwoFilesPatch } from 'diff';
import type { z } from 'zod';
import { HttpError } from '../lib/errors.js';
import type {
  ImportEquivalenceRow,
  ImportInterfaceCheck,
  ImportNote,
  ImportProposal,
  ImportTableRead,
} from '../schemas/import.js';
import type { GatewayService } from './gateway.js';

type Json = Record<string, unknown>;
type Note = z.output<typeof ImportNote>;
type Row = z.output<typeof ImportEquivalenceRow>;
export type ProposalView = z.output<typeof ImportProposal>;

const GROUPS = ['carried', 'harmless', 'decision'] as const;
const isGroup = (g: unknown): g is Note['group'] => GROUPS.includes(g as Note['group']);
const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function paramsOf(v: unknown): Note['params'] {
  const out: Note['params'] = {};
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as Json)) {
      if (typeof x === 'string' || typeof x === 'number') out[k] = x;
    }
  }
  return out;
}

/** A note the importer gave as a line (older importer) or as an object, with a group. */
function noteOf(n: unknown, fallbackGroup: Note['group']): Note {
  if (typeof n === 'string') {
    const m = /^(.*?\(handle \d+\)): (.*)$/.exec(n);
    return { group: fallbackGroup, code: '', params: {}, message: n, where: m?.[1] ?? null };
  }
  const o = (n ?? {}) as Json;
  const where = o.where ?? o.source ?? o.rule ?? null;
  return {
    group: isGroup(o.group) ? o.group : fallbackGroup,
    code: text(o.code),
    params: paramsOf(o.params),
    message: text(o.message ?? o.text),
    where: where === null ? null : text(where),
  };
}

export function notesOf(proposal: Json): Note[] {
  const notes = Array.isArray(proposal.groupedNotes) ? proposal.groupedNotes : proposal.notes;
  if (Array.isArray(notes)) return notes.map((n) => noteOf(n, 'decision'));
  if (notes && typeof notes === 'object') {
    const out: Note[] = [];
    for (const g of GROUPS) {
      const list = (notes as Json)[g];
      if (Array.isArray(list)) out.push(...list.map((n) => noteOf(n, g)));
    }
    return out;
  }
  return [];
}

type Fate = NonNullable<Row['beforeFate']>;
const orNull = (v: unknown): string | null => (v === undefined || v === null ? null : text(v));

function fateOf(v: unknown): { text: string; fate: Fate | null } {
  if (v && typeof v === 'object') {
    const o = v as Json;
    const t = text(o.text ?? o.description ?? o.outcome);
    return {
      text: t,
      fate: {
        outcome: text(o.outcome),
        to: orNull(o.to),
        helper: orNull(o.helper),
        masquerade: typeof o.masquerade === 'boolean' ? o.masquerade : null,
        passiveData: orNull(o.passiveData),
        activeData: orNull(o.activeData),
        text: t,
      },
    };
  }
  return { text: text(v), fate: null };
}

export function equivalenceOf(proposal: Json): Row[] {
  const eq = proposal.equivalence;
  const rows = Array.isArray(eq) ? eq : Array.isArray((eq as Json | undefined)?.rows) ? (eq as Json).rows : [];
  return (rows as Json[]).map((r) => {
    const before = fateOf(r.before ?? r.old);
    const after = fateOf(r.after ?? r.proposed);
    const same = r.same ?? r.equal;
    const differences = Array.isArray(r.differences) ? r.differences.map(text) : [];
    return {
      protocol: text(r.protocol ?? r.proto),
      port: text(r.port ?? r.ports),
      kind: text(r.why ?? r.kind),
      before: before.text,
      after: after.text,
      beforeFate: before.fate,
      afterFate: after.fate,
      differs:
        typeof r.differs === 'boolean' ? r.differs : typeof same === 'boolean' ? !same : before.text !== after.text,
      differences,
    };
  });
}

/** The tables the importer read: its own list if it gives one, else its `sources` ("ip my_nat"). */
export function tablesReadOf(proposal: Json): Array<{ family: string; name: string; tool: string; retire: boolean }> {
  const list = Array.isArray(proposal.tables) ? proposal.tables : proposal.sources;
  return (Array.isArray(list) ? list : [])
    .map((t) => {
      if (typeof t === 'string') {
        const [family = '', name = ''] = t.split(' ');
        return { family, name, tool: 'hand-written', retire: true };
      }
      const o = t as Json;
      return {
        family: text(o.family),
        name: text(o.name),
        tool: text(o.tool) || 'hand-written',
        retire: o.retire !== false,
      };
    })
    .filter((t) => t.family && t.name);
}

type Log = { warn(o: object, m: string): void };

/**
 * Reads the live ruleset and the interfaces, and proposes a model; with
 * `report`, also the equivalence report (a throwaway namespace per call:
 * the preview wants it, adopting does not).
 */
export async function readProposal(g: GatewayService, runner: Runner, log: Log, report = true) {
  const listing = await runner.run('nft', ['-j', 'list', 'ruleset'], { reject: false });
  if (listing.exitCode !== 0) {
    log.warn({ stderr: listing.stderr }, 'nft -j list ruleset failed');
    throw new HttpError(502, 'nft_failed', 'could not read the live ruleset (nft -j list ruleset)');
  }
  const live = await g.interfaces();
  const interfaces = live.map((i) => ({ name: i.name, prefixes: i.addresses.filter((a) => !a.includes(':')) }));
  const desired = g.desired();
  const json = JSON.parse(listing.stdout || '{}') as unknown;
  const base = { interfaces, ownTable: desired.model.table, liveInterfaces: live.map((i) => i.name) };
  const liveNames = new Set(live.map((i) => i.name));
  if (!report) return { raw: importRuleset(json, base) as unknown as Json, liveNames, desired };
  // The text listing and iptables-nft-save let the importer read iptables-nft's xt expressions.
  const text = await runner.run('nft', ['-a', 'list', 'ruleset'], { reject: false });
  const save = await runner.run('iptables-nft-save', [], { reject: false }).catch(() => null);
  const options = {
    ...base,
    ...(text.exitCode === 0 ? { listing: text.stdout } : {}),
    ...(save && save.exitCode === 0 ? { iptablesSave: save.stdout } : {}),
  };
  // The report loads the compiled proposal in a throwaway namespace (unshare --net, through the runner).
  const raw = (await importWithEquivalence(json, { ...options, runner }).catch((err: unknown) => {
    log.warn({ err }, 'the equivalence report could not be made; the proposal stands without it');
    return importRuleset(json, options);
  })) as unknown as Json;
  return { raw, liveNames, desired };
}

/** The API's view of a proposal. */
export async function buildProposal(g: GatewayService, runner: Runner, log: Log, report = true): Promise<ProposalView> {
  const { raw, liveNames, desired } = await readProposal(g, runner, log, report);
  // Keep the table name the panel already owns, so adopting does not leave a second Gatehouse table behind.
  const model = { ...(raw.model as Json), table: desired.model.table };
  const checked = validateModel(model);
  const script = checked.ok ? compile(checked.model) : null;
  const diff =
    script === null
      ? ''
      : createTwoFilesPatch('desired', 'proposal', compile(desired.model), script, '', '', { context: 3 });
  const noteList = notesOf(raw);
  const equivalence = equivalenceOf(raw);
  const own = desired.model.table;
  const tables: Array<z.output<typeof ImportTableRead>> = tablesReadOf(raw).map(({ retire, ...t }) => {
    const ours = t.name === own && (t.family === 'ip' || t.family === 'inet');
    const reason = ours ? 'import_own_table' : retire ? null : 'import_table_kept';
    return { ...t, retirable: reason === null, reason };
  });
  if (report) {
    // Offered for retirement only if a rollback could load it back (iptables-nft's xt targets cannot be).
    for (const t of tables.filter((x) => x.retirable)) {
      try {
        await g.takeover.checkRestorable(await g.takeover.save([t]));
      } catch (err) {
        t.retirable = false;
        t.reason = err instanceof HttpError ? err.code : 'import_table_not_restorable';
      }
    }
  }
  const m = model as {
    interfaces?: { wan?: string; lan?: string[] };
    forwards?: unknown[];
    gatewayForwards?: unknown[];
    ftp?: { enabled?: boolean; controlPorts?: number[]; passiveOnly?: boolean };
    masquerade?: { forwardedServers?: boolean; lanToWan?: boolean };
  };
  const ifaces: Array<z.output<typeof ImportInterfaceCheck>> = [
    ...(m.interfaces?.wan ? [{ name: m.interfaces.wan, role: 'wan' as const }] : []),
    ...(m.interfaces?.lan ?? []).map((name) => ({ name, role: 'lan' as const })),
  ].map((i) => ({ ...i, live: liveNames.has(i.name) }));
  const count = (g: Note['group']) => noteList.filter((n) => n.group === g).length;
  const helperPorts = m.ftp?.enabled ? (m.ftp.controlPorts ?? []) : [];
  const summary = {
    forwards: m.forwards?.length ?? 0,
    gatewayForwards: m.gatewayForwards?.length ?? 0,
    helperPorts,
    passiveOnly: m.ftp?.passiveOnly === true,
    masquerade: {
      forwardedServers: m.masquerade?.forwardedServers === true,
      lanToWan: m.masquerade?.lanToWan === true,
    },
    carried: count('carried'),
    harmless: count('harmless'),
    decisions: count('decision'),
    differences: equivalence.filter((r) => r.differs).length,
    message: '',
  };
  summary.message =
    summaryText(raw.summary) ||
    `${summary.forwards} forwards, ${summary.gatewayForwards} gateway forwards, FTP helper ${
      helperPorts.length > 0 ? `on ${helperPorts.join(', ')}` : 'off'
    }; ${summary.decisions} notes need a decision, ${summary.differences} ports behave differently`;
  return {
    model,
    summary,
    // As before the groups: what was not carried over (decisions and harmless defaults), one English line each.
    notes: noteList
      .filter((n) => n.group !== 'carried')
      .map((n) => (n.where && !n.message.startsWith(n.where) ? `${n.where}: ${n.message}` : n.message)),
    noteList,
    equivalence,
    sources: tables.map((t) => `${t.family} ${t.name}`),
    tables,
    interfaces: ifaces,
    pendingTakeover: g.takeover.pending(),
    valid: checked.ok,
    problems: checked.ok ? [] : (checked.problems as FieldProblem[]),
    script,
    diff: script !== null && diff.includes('\n@@') ? diff : '',
    desiredVersion: desired.version,
  };
}

function summaryText(s: unknown): string {
  if (typeof s === 'string') return s;
  if (s && typeof s === 'object') return text((s as Json).message ?? (s as Json).text);
  return '';
}
