/**
 * check / apply / read back, through the runner. nft -f applies a file as one
 * transaction: when it rejects anything, nothing changes, so a bad script can
 * never replace the running ruleset. Applies to the same namespace are
 * serialized in-process.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, hostRunner, type Runner, type RunOptions, type RunResult } from './runner.js';

/** What a line of our script belongs to: a forward, a helper kind, NAT, the filter, a pair's rules, or the table. */
export const NFT_OBJECT_KINDS = [
  'forward',
  'gateway-forward',
  'ftp',
  'tftp',
  'masquerade',
  'reflection',
  'filter',
  'ha',
  'table',
] as const;
export type NftObjectKind = (typeof NFT_OBJECT_KINDS)[number];

export interface NftDiagnostic {
  /** 1-based line in the script, when nft gave one. */
  line?: number;
  column?: number;
  message: string;
  /** The offending script line. */
  source?: string;
  /** The model object the line came from, read from its generated comment. */
  object?: { kind: NftObjectKind; id?: string };
}

export class NftError extends CommandError {
  readonly script: string;
  readonly diagnostics: NftDiagnostic[];
  constructor(result: RunResult, script: string) {
    const diagnostics = parseNftErrors(result.stderr, script);
    const first = diagnostics[0];
    super(
      result,
      first
        ? `nft rejected the ruleset${first.line ? ` at line ${first.line}` : ''}: ${first.message}`
        : `nft failed with exit ${result.exitCode}`,
    );
    this.name = 'NftError';
    this.script = script;
    this.diagnostics = diagnostics;
  }
}

const DIAG_RE = /^(?:[^:\n]*):(\d+):(\d+)(?:-\d+)?: Error: (.*)$/;

/** Reads nft's "file:line:col-col: Error: message" lines and maps each to its model object. */
export function parseNftErrors(stderr: string, script: string): NftDiagnostic[] {
  const lines = script.split('\n');
  const out: NftDiagnostic[] = [];
  for (const raw of stderr.split('\n')) {
    const m = DIAG_RE.exec(raw);
    if (m) {
      const line = Number(m[1]);
      const source = lines[line - 1];
      const diag: NftDiagnostic = { line, column: Number(m[2]), message: (m[3] ?? '').trim() };
      if (source !== undefined) diag.source = source.trim();
      const object = objectAtLine(lines, line - 1);
      if (object) diag.object = object;
      out.push(diag);
    } else if (/Error: /.test(raw) && out.length === 0) {
      out.push({ message: raw.replace(/^.*Error: /, '').trim() });
    }
  }
  if (out.length === 0 && stderr.trim()) out.push({ message: stderr.trim().split('\n')[0] as string });
  return out;
}

function objectAtLine(lines: string[], index: number): NftDiagnostic['object'] {
  const text = lines[index] ?? '';
  const c = /comment "([^"]*)"/.exec(text)?.[1];
  if (c) {
    let m = /^forward (\S+)/.exec(c);
    if (m) return { kind: 'forward', id: m[1] as string };
    m = /^gateway forward (\S+)/.exec(c);
    if (m) return { kind: 'gateway-forward', id: m[1] as string };
    m = /^(t?ftp)\b/.exec(c);
    if (m) return { kind: m[1] as 'ftp' | 'tftp' };
    if (/^masquerade/.test(c)) return { kind: 'masquerade' };
    if (/^reflection/.test(c)) return { kind: 'reflection' };
    if (/^filter/.test(c)) return { kind: 'filter' };
    if (/^ha:/.test(c)) return { kind: 'ha' };
  }
  // Otherwise the nearest enclosing declaration.
  for (let i = index; i >= 0; i--) {
    const l = lines[i] ?? '';
    const helper = /^\s*ct helper (t?ftp)-|^\s*chain (t?ftp)_helpers/.exec(l);
    if (helper) return { kind: (helper[1] ?? helper[2]) as 'ftp' | 'tftp' };
    if (/^\s*chain ha_/.test(l)) return { kind: 'ha' };
    if (/^\s*map forward_/.test(l)) return { kind: 'forward' };
    if (/^\s*chain snat_/.test(l)) return { kind: 'masquerade' };
    if (/^\s*chain forward_filter/.test(l)) return { kind: 'filter' };
    if (/^\s*table /.test(l)) return { kind: 'table' };
  }
  return undefined;
}

export interface NftTarget {
  runner?: Runner;
}

const queues = new Map<string, Promise<unknown>>();

/** Runs fn after every earlier apply to the same namespace finished. */
export function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = queues.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}

/**
 * Small scripts go on stdin. A large one (100,000 forwards: 5 MB) goes
 * through a private temporary file that becomes nft's standard input
 * (RunOptions.inputFile): piping it from this process would tie nft's
 * progress to our event loop, which the server keeps busy meanwhile (it
 * stores the revision while nft loads the script). Still `nft -f -`, not
 * `nft -f FILE`: nft parses its standard input from one buffer, and a named
 * file through stdio, 5% slower at 100,000 forwards (734 against 777 ms,
 * bench/nft-input-probe.mjs).
 */
const FILE_ABOVE = 256 * 1024;

async function runScript(flags: string[], script: string, runner: Runner, onSpawn?: () => void): Promise<RunResult> {
  let dir: string | undefined;
  const args = [...flags, '-f', '-'];
  // nft is started from the small spawn helper, not from this process: a fork
  // of the server costs in proportion to its memory (spawn-helper.ts), which
  // made a one-forward change at 100,000 forwards slower than at 1,000.
  const opts: RunOptions = {
    input: script,
    reject: false,
    timeoutMs: 600_000,
    fromHelper: true,
    ...(onSpawn ? { onSpawn } : {}),
  };
  if (script.length > FILE_ABOVE) {
    dir = await mkdtemp(join(tmpdir(), 'gatehouse-nft-'));
    const file = join(dir, 'ruleset.nft');
    await writeFile(file, script, { mode: 0o600 });
    opts.inputFile = file;
    delete opts.input;
  }
  try {
    const result = await runner.run('nft', args, opts);
    if (result.exitCode !== 0) throw new NftError(result, script);
    return result;
  } finally {
    // Waited for (~1 ms for 5 MB): a server stopped right after an apply left the script behind otherwise.
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

/** `nft -c`: parse and validate against the kernel without changing anything. */
export async function checkRuleset(script: string, target: NftTarget = {}): Promise<void> {
  await runScript(['-c'], script, target.runner ?? hostRunner());
}

export interface ApplyResult {
  durationMs: number;
}

/** `nft -f -` in one transaction; throws NftError and leaves the running ruleset untouched on rejection. */
export async function applyRuleset(
  script: string,
  target: NftTarget = {},
  options: {
    /** Runs once nft has started loading the script, overlapping with it (e.g. storing the revision). */
    whileLoading?: () => void;
  } = {},
): Promise<ApplyResult> {
  const runner = target.runner ?? hostRunner();
  return serialized(`apply:${runner.netns ?? ''}`, async () => {
    const r = await runScript([], script, runner, options.whileLoading);
    return { durationMs: r.durationMs };
  });
}

export async function tableExists(table: string, target: NftTarget = {}): Promise<boolean> {
  const runner = target.runner ?? hostRunner();
  const r = await runner.run('nft', ['list', 'tables', 'ip'], { reject: false });
  return r.stdout.split('\n').some((l) => l.trim() === `table ip ${table}`);
}

/**
 * Our table as nft lists it, normalized for comparison: counter values and
 * handles removed, whitespace trimmed. Two listings are equal exactly when
 * the table's structure, rules and elements are.
 */
export async function readTable(
  table: string,
  target: NftTarget = {},
  options: { terse?: boolean; fromHelper?: boolean } = {},
): Promise<string | null> {
  const runner = target.runner ?? hostRunner();
  // -t (terse) leaves out set and map elements: the structure only, cheap
  // whatever the number of forwards, for checks on a hot path.
  const args = options.terse ? ['-t', 'list', 'table', 'ip', table] : ['list', 'table', 'ip', table];
  const r = await runner.run('nft', args, {
    reject: false,
    ...(options.fromHelper !== undefined ? { fromHelper: options.fromHelper } : {}),
  });
  if (r.exitCode !== 0) {
    if (/No such file or directory/.test(r.stderr)) return null;
    throw new CommandError(r);
  }
  return normalizeListing(r.stdout);
}

export function normalizeListing(listing: string): string {
  return `${listing
    .replace(/counter packets \d+ bytes \d+/g, 'counter')
    .replace(/ # handle \d+/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n')}\n`;
}

/** Our table's live JSON (`nft -j list table`), for tools that want structure. */
export async function readTableJson(table: string, target: NftTarget = {}): Promise<unknown> {
  const runner = target.runner ?? hostRunner();
  const r = await runner.run('nft', ['-j', 'list', 'table', 'ip', table]);
  return JSON.parse(r.stdout) as unknown;
}
