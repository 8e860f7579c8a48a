import { z } from 'zod';
import { ErrorParams, FieldProblem } from './common.js';
import { GatewayConfig } from './gateway.js';

/** nft's table families; a name as nft prints it (no quoting needed in a script). */
export const TableFamily = z.enum(['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev']);
export const TableRef = z
  .object({
    family: TableFamily,
    name: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z_][A-Za-z0-9_.\-/]*$/, { error: 'not a table name nft prints' }),
  })
  .meta({ id: 'TableRef' });

export const ImportNoteGroup = z.enum(['carried', 'harmless', 'decision']);

export const ImportNote = z
  .object({
    group: ImportNoteGroup.describe(
      'carried: carried over; harmless: a default of the source tool, safe to drop; decision: traffic will change, decide',
    ),
    code: z
      .string()
      .describe("the importer's stable code, e.g. forward.carried ('' for a note without one: say the message)"),
    params: ErrorParams,
    message: z.string().describe('English, for scripts and logs'),
    where: z.string().nullable().describe('the rule or object it is about, e.g. "ip my_nat my_prerouting (handle 3)"'),
  })
  .meta({ id: 'ImportNote' });

/** What a ruleset does with a new connection from the WAN (the importer's evaluator). */
export const ImportFate = z.object({
  outcome: z.string().describe('forwarded, gateway or dropped'),
  to: z.string().nullable().describe('"192.168.1.2:21" for a forward, "gateway:22" for the gateway'),
  helper: z.string().nullable(),
  masquerade: z.boolean().nullable(),
  passiveData: z.string().nullable().describe('with the FTP helper: accepted or dropped'),
  activeData: z.string().nullable(),
  text: z.string().describe('English, one line'),
});

export const ImportEquivalenceRow = z
  .object({
    protocol: z.string(),
    port: z.string().describe('the public port a new connection is made to'),
    kind: z.string().describe('why the port was tried: forward, gateway forward, helper port'),
    before: z.string().describe('what the old ruleset does with a new connection (English)'),
    after: z.string().describe('what the proposed model would do with it (English)'),
    beforeFate: ImportFate.nullable(),
    afterFate: ImportFate.nullable(),
    differs: z.boolean(),
    differences: z.array(z.string()).describe('what differs, e.g. "active data: dropped -> accepted"'),
  })
  .meta({ id: 'ImportEquivalenceRow' });

export const ImportTableRead = z
  .object({
    family: z.string(),
    name: z.string(),
    tool: z.string().describe('what wrote it: firewall4, firewalld, iptables-nft, docker, hand-written'),
    retirable: z.boolean().describe('whether adopting may retire it (read by the import, not Gatehouse-owned)'),
    reason: z
      .string()
      .nullable()
      .describe(
        'why not (a code): import_own_table, import_table_kept (Docker manages it), import_table_not_restorable (nft cannot load its listing back)',
      ),
  })
  .meta({ id: 'ImportTableRead' });

export const ImportInterfaceCheck = z.object({
  name: z.string(),
  role: z.enum(['wan', 'lan']),
  live: z.boolean().describe('whether the interface exists on the gateway now'),
});

export const PendingRetirement = z
  .object({ family: z.string(), name: z.string(), author: z.string(), adoptedAt: z.string() })
  .meta({ id: 'PendingRetirement' });

export const ImportSummary = z.object({
  forwards: z.number().int(),
  gatewayForwards: z.number().int(),
  helperPorts: z.array(z.number().int()),
  passiveOnly: z.boolean(),
  masquerade: z.object({ forwardedServers: z.boolean(), lanToWan: z.boolean() }),
  carried: z.number().int(),
  harmless: z.number().int(),
  decisions: z.number().int(),
  differences: z.number().int().describe('equivalence rows where the proposal differs from the old ruleset'),
  message: z.string().describe("the importer's own summary (English), or one made from the counts"),
});

export const ImportProposal = z
  .object({
    model: z
      .record(z.string(), z.unknown())
      .describe('the proposed gateway model (may be invalid: see valid and problems)'),
    summary: ImportSummary,
    notes: z
      .array(z.string())
      .describe(
        'what was not carried over (decisions and harmless defaults), one English line each; noteList has all, grouped',
      ),
    noteList: z.array(ImportNote).describe('the notes, grouped: carried, harmless, decision'),
    equivalence: z
      .array(ImportEquivalenceRow)
      .describe('per forwarded and helper port: the old ruleset vs the proposal, differences flagged'),
    sources: z.array(z.string()).describe('the tables the proposal was read from, e.g. "ip my_nat"'),
    tables: z.array(ImportTableRead).describe('the tables the import read, and whether each may be retired'),
    interfaces: z.array(ImportInterfaceCheck).describe("the proposal's interfaces, checked against the live ones"),
    pendingTakeover: z.array(PendingRetirement).describe('tables the next apply retires (adopted earlier)'),
    valid: z.boolean(),
    problems: z.array(FieldProblem),
    script: z.string().nullable().describe('the script the proposal compiles to (null when it is invalid)'),
    diff: z.string().describe('unified diff from the script of the current desired model to the proposal'),
    desiredVersion: z.number().describe('version of the desired model the diff is against (send it as If-Match)'),
  })
  .meta({ id: 'ImportProposal' });

export const ImportAdoptBody = z
  .object({
    model: GatewayConfig.optional().describe('the reviewed (possibly edited) proposal; absent: the live proposal'),
    retire: z
      .array(TableRef)
      .max(64)
      .default([])
      .describe('tables the import read to delete in the same transaction as the first apply'),
    comment: z.string().max(500).optional(),
  })
  .meta({ id: 'ImportAdoptBody' });

export const ImportAdoptQuery = z.object({
  apply: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: apply at once (no confirmation window); undone, takeover included, if the apply fails'),
});

export const ImportAdoptResult = z
  .object({
    model: GatewayConfig,
    version: z.number(),
    retire: z.array(z.object({ family: z.string(), name: z.string() })).describe('what the next apply retires'),
    revision: z.number().nullable().describe('the revision applied with ?apply=true'),
  })
  .meta({ id: 'ImportAdoptResult' });

export const PendingTakeover = z.object({ pending: z.array(PendingRetirement) }).meta({ id: 'PendingTakeover' });
