/**
 * A Runner for tests that starts no process: tests script what a command
 * answers (`onRun`) or streams (`onStream`), and read back every call made.
 * Code under test cannot tell it from the real runner (runner.ts), so the
 * services that call nft and conntrack can be driven without root or a
 * kernel.
 *
 *   const fake = new FakeRunner()
 *     .onRun('conntrack', ['-C'], { stdout: '3\n' })
 *     .onStream('conntrack', /^-E /, { lines: [...] }); // no exitCode: stays open
 *   fake.streamsOf('conntrack', /^-E /)[0]?.emit('[NEW] ...');
 *
 * A command nobody scripted answers as a missing one does (exit 127), so a
 * test sees the unexpected call instead of a made-up success.
 */
import { readFileSync } from 'node:fs';
import {
  CommandError,
  type Runner,
  type RunOptions,
  type RunResult,
  type StreamExit,
  type StreamedProcess,
  type StreamHandlers,
  type StreamOptions,
} from './runner.js';

/**
 * Which argument lists a script answers: an array matches element by element
 * (same length; an element may be a RegExp), a RegExp is tested against the
 * arguments joined by spaces, a function decides.
 */
export type ArgsPattern = readonly (string | RegExp)[] | RegExp | ((args: readonly string[]) => boolean);

export interface FakeCall {
  kind: 'run' | 'stream';
  command: string;
  args: readonly string[];
  /** What run() was given on stdin (the file's text for RunOptions.inputFile). */
  input?: string;
  /** Started from the spawn helper (run's or stream's `fromHelper`). */
  fromHelper?: boolean;
  /** stream()'s `delayMs` (the fake hands its script over without waiting). */
  delayMs?: number;
}

export interface FakeRunResponse {
  exitCode?: number;
  stdout?: string;
  stderr?: string;
}

export interface StreamScript {
  /** Standard output lines, handed over one by one after stream() has returned. */
  lines?: readonly string[];
  stderrLines?: readonly string[];
  /** Exit after the lines with this code; left out, the process runs until killed (or `exit()`). */
  exitCode?: number;
}

type Reply<T> = T | ((call: FakeCall) => T);

interface Script<T> {
  command: string;
  args: ArgsPattern | undefined;
  reply: Reply<T>;
}

function matches(pattern: ArgsPattern | undefined, args: readonly string[]): boolean {
  if (pattern === undefined) return true;
  if (typeof pattern === 'function') return pattern(args);
  if (pattern instanceof RegExp) return pattern.test(args.join(' '));
  return (
    pattern.length === args.length &&
    pattern.every((p, i) => (typeof p === 'string' ? p === args[i] : p.test(args[i] as string)))
  );
}

/** Answers the latest matching script: a test can override what its setup registered. */
function find<T>(scripts: readonly Script<T>[], call: FakeCall): T | undefined {
  for (let i = scripts.length - 1; i >= 0; i--) {
    const s = scripts[i] as Script<T>;
    if (s.command === call.command && matches(s.args, call.args)) {
      return typeof s.reply === 'function' ? (s.reply as (c: FakeCall) => T)(call) : s.reply;
    }
  }
  return undefined;
}

const unscripted = (call: FakeCall) => `FakeRunner: nothing scripted for ${[call.command, ...call.args].join(' ')}`;

/** A streamed process whose output and exit the test controls. */
export class FakeStreamedProcess implements StreamedProcess {
  readonly pid: number;
  readonly done: Promise<StreamExit>;
  readonly call: FakeCall;
  private readonly handlers: StreamHandlers;
  private readonly started = performance.now();
  private stderr = '';
  private ended = false;
  private finish!: (exit: StreamExit) => void;

  constructor(pid: number, call: FakeCall, handlers: StreamHandlers) {
    this.pid = pid;
    this.call = call;
    this.handlers = handlers;
    this.done = new Promise((resolve) => {
      this.finish = resolve;
    });
  }

  get exited(): boolean {
    return this.ended;
  }

  /** One line of standard output (ignored after the exit, as a closed pipe would). */
  emit(line: string): void {
    if (this.ended) return;
    if (this.handlers.onChunk) this.handlers.onChunk(Buffer.from(`${line}\n`));
    else this.handlers.onLine(line);
  }

  emitStderr(line: string): void {
    if (this.ended) return;
    this.stderr += `${line}\n`;
    this.handlers.onStderrLine?.(line);
  }

  exit(exitCode: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.ended) return;
    this.ended = true;
    this.finish({ exitCode, signal, stderr: this.stderr, durationMs: performance.now() - this.started });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): void {
    this.exit(null, signal);
  }
}

export class FakeRunner implements Runner {
  readonly netns: string | undefined;
  /** Every call, in order. */
  readonly calls: FakeCall[] = [];
  /** Every streamed process started, in order. */
  readonly streams: FakeStreamedProcess[] = [];
  private readonly runScripts: Script<FakeRunResponse>[] = [];
  private readonly streamScripts: Script<StreamScript>[] = [];
  private nextPid = 1000;

  constructor(options: { netns?: string } = {}) {
    this.netns = options.netns;
  }

  /** What run() answers for a command whose arguments match (`args` left out: any). */
  onRun(command: string, args: ArgsPattern | undefined, reply: Reply<FakeRunResponse>): this {
    this.runScripts.push({ command, args, reply });
    return this;
  }

  /** What stream() hands over for a command whose arguments match (`args` left out: any). */
  onStream(command: string, args: ArgsPattern | undefined, reply: Reply<StreamScript>): this {
    this.streamScripts.push({ command, args, reply });
    return this;
  }

  /** The calls made with a command (and arguments matching, if given). */
  callsOf(command: string, args?: ArgsPattern): FakeCall[] {
    return this.calls.filter((c) => c.command === command && matches(args, c.args));
  }

  /** The streamed processes started for a command (and arguments matching, if given). */
  streamsOf(command: string, args?: ArgsPattern): FakeStreamedProcess[] {
    return this.streams.filter((p) => p.call.command === command && matches(args, p.call.args));
  }

  async run(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    const call: FakeCall = { kind: 'run', command, args: [...args] };
    if (opts.inputFile !== undefined) call.input = readFileSync(opts.inputFile, 'utf8');
    else if (opts.input !== undefined) call.input = opts.input;
    if (opts.fromHelper) call.fromHelper = true;
    this.calls.push(call);
    opts.onSpawn?.();
    const reply = find(this.runScripts, call) ?? { exitCode: 127, stderr: `${unscripted(call)}\n` };
    const result: RunResult = {
      command,
      args,
      exitCode: reply.exitCode ?? 0,
      stdout: reply.stdout ?? '',
      stderr: reply.stderr ?? '',
      durationMs: 0,
    };
    if (result.exitCode !== 0 && opts.reject !== false) throw new CommandError(result);
    return result;
  }

  stream(
    command: string,
    args: readonly string[],
    handlers: StreamHandlers,
    opts: StreamOptions = {},
  ): FakeStreamedProcess {
    const call: FakeCall = { kind: 'stream', command, args: [...args] };
    if (opts.fromHelper) call.fromHelper = true;
    if (opts.delayMs) call.delayMs = opts.delayMs;
    this.calls.push(call);
    const proc = new FakeStreamedProcess(this.nextPid++, call, handlers);
    this.streams.push(proc);
    const script = find(this.streamScripts, call) ?? { stderrLines: [unscripted(call)], exitCode: 127 };
    // Handed over later, as a real process's output would be: the caller
    // keeps the returned handle before the first line arrives.
    setImmediate(() => {
      for (const line of script.lines ?? []) proc.emit(line);
      for (const line of script.stderrLines ?? []) proc.emitStderr(line);
      if (script.exitCode !== undefined) proc.exit(script.exitCode);
    });
    return proc;
  }
}
