/**
 * The one way this project starts nft, conntrack, ip and modprobe: execa with
 * an argument array and no shell; input (a ruleset) goes on stdin. Every call
 * is logged with its duration; failures carry the command, exit code and
 * stderr.
 *
 * Two ways to call: `run()` buffers the whole output (nft, `conntrack -C`),
 * `stream()` hands over each line as it arrives (`conntrack -E`, which never
 * ends, and `conntrack -L` of 100,000 flows, read into the index as it comes).
 * Tests script both through FakeRunner (fake-runner.ts).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { execa } from 'execa';
import { lineSplitter } from './line-splitter.js';
import { takePrestarted } from './prestarted-streams.js';
import { readInSlices } from './read-slices.js';
import { runFromHelper, streamFromHelper } from './spawn-helper.js';

/** Streams started before the code that reads them has loaded (server.ts). */
export { prestartStream } from './prestarted-streams.js';
/** For a process about to stream from the helper (server.ts): start it early (spawn-helper.ts). */
export { prestartStreamHelper } from './spawn-helper.js';

export interface RunOptions {
  /** Text for the command's standard input (rulesets go here, never on the command line). */
  input?: string;
  /**
   * A file that is the command's standard input (opened read-only and handed
   * over as its fd 0; `input` is then ignored). For a large ruleset: `nft -f -`
   * reads its standard input into one buffer and parses that, which at
   * 100,000 forwards is ~5% faster than `nft -f FILE` reading the same file
   * through stdio (bench/nft-input-probe.mjs). From the spawn helper, the
   * file's descriptor is the command's fd 0: no byte passes through an event
   * loop.
   */
  inputFile?: string;
  timeoutMs?: number;
  /** Resolve instead of throwing on a non-zero exit. */
  reject?: boolean;
  /**
   * Called once the process has been started, before waiting for it: work
   * the caller does here overlaps with the command (which runs on another
   * core) instead of delaying its start.
   */
  onSpawn?: () => void;
  /**
   * Start the command from a small helper process (spawn-helper.ts), not
   * from this one: a fork of the server at 10,000-100,000 forwards costs
   * 20-100 ms on a busy 2-core box. For nft -f (nft.ts); false starts it
   * from this process even when the runner's RunnerOptions.fromHelper says
   * otherwise.
   */
  fromHelper?: boolean;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface StreamHandlers {
  /** Each line of standard output, without its newline (a last line without one included). */
  onLine(line: string): void;
  /**
   * Standard output as raw chunks, as they arrive; when given, onLine is not
   * called. For output too large to make a string of each line first
   * (`conntrack -L` of 1,000,000 flows: readline alone took ~0.8 s of it).
   */
  onChunk?(chunk: Buffer): void;
  onStderrLine?(line: string): void;
}

export interface StreamOptions {
  /**
   * Start the command from the small streams' helper (spawn-helper.ts), not
   * from this process, and let the helper hold output this process has not
   * read yet: for the conntrack dumps (a 1M-flow `conntrack -L` no longer
   * stalls on a full pipe while the server is busy starting, and a resync
   * does not fork a ~300 MB process). Not for endless output (`conntrack -E`):
   * the helper would hold what a stuck reader leaves, and relaying it costs
   * a busy box CPU (`outputBufferBytes` is for that).
   */
  fromHelper?: boolean;
  /**
   * What the command writes and this process has not read yet may take this
   * many bytes (a perl wrapper, which then becomes the command, sets it on
   * its standard output: the socket pair Node gives a child, SO_SNDBUFFORCE,
   * else SO_SNDBUF up to the system's limit; a pipe, F_SETPIPE_SZ; nothing
   * where perl is not installed). Each write counts with its overhead: a
   * line written alone takes ~1 KB of it. For `conntrack -E`: it writes each
   * line as it comes and stalls once its output is full (~200 lines by
   * default) while this process is busy; stalled, it stops reading its
   * netlink socket, which holds ~50 ms of a 10,000 flows/s burst (212 KB:
   * conntrack 1.4.7 sets `-b` on another socket). Not with fromHelper.
   */
  outputBufferBytes?: number;
  /**
   * With fromHelper: the helper starts the command this many ms after the
   * call, timed in the helper: a wait (e.g. for `conntrack -E` to subscribe
   * before the dump) that this process's busy start-up does not stretch.
   */
  delayMs?: number;
  /**
   * The command's scheduling priority (nice, -20..19; a
   * negative one needs CAP_SYS_NICE, else it is ignored). For the first
   * conntrack dump of a server's start, which the first page waits for
   * while the rest of the start-up competes for the cores (bench 15.6).
   * Not part of what makes a prestarted stream the same as a later call.
   */
  priority?: number;
  /**
   * The command writes its standard output in blocks of this many bytes
   * (coreutils `stdbuf -o`, where installed; the same bytes) instead of
   * its C library's 4 KB for a pipe: 46,000 writes and reader wake-ups for
   * a 1M-flow `conntrack -L` (190 MB) become ~190, and the dump into a pipe
   * takes as long as into /dev/null (3.3-3.5 against 3.7-3.8 s on a quiet
   * box: bench/dump-pipe-probe.mjs).
   */
  writeBlock?: number;
}

export interface StreamExit {
  /** null when a signal ended the process; 127 when it could not be started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Standard error (its first 64 KiB), or why the process could not be started. */
  stderr: string;
  durationMs: number;
}

export interface StreamedProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and every line of its output was handed over. Never rejects. */
  readonly done: Promise<StreamExit>;
  /** Signals the process unless it has already ended. */
  kill(signal?: NodeJS.Signals): void;
}

export interface RunnerLogger {
  debug(obj: object, msg?: string): void;
}

export interface Runner {
  /** Network namespace the commands run in (`ip netns exec`), if any. */
  readonly netns: string | undefined;
  run(command: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
  /** Starts a command and hands over its output line by line; no time limit (the caller kills it). */
  stream(command: string, args: readonly string[], handlers: StreamHandlers, opts?: StreamOptions): StreamedProcess;
}

export class CommandError extends Error {
  readonly command: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;
  readonly stdout: string;

  constructor(result: RunResult, message?: string) {
    super(message ?? `${result.command} exited with ${result.exitCode}: ${firstLine(result.stderr) || 'no message'}`);
    this.name = 'CommandError';
    this.command = result.command;
    this.args = result.args;
    this.exitCode = result.exitCode;
    this.stderr = result.stderr;
    this.stdout = result.stdout;
  }
}

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? ''
  );
}

export interface RunnerOptions {
  netns?: string;
  logger?: RunnerLogger;
  /** Default time limit for one command. */
  timeoutMs?: number;
  /**
   * Every run() starts its command from the spawn helper unless the call
   * says `fromHelper: false` (RunOptions.fromHelper). For a server that
   * grows large: a fork of a ~300 MB process (a million flows in the index)
   * blocks its event loop for 20-100 ms, and `GET /status` alone starts six
   * commands.
   */
  fromHelper?: boolean;
}

/**
 * run()'s standard input for a command started from this process: the text,
 * or the file read here (only the helper hands over a file's descriptor).
 */
async function directInput(opts: RunOptions): Promise<string | Buffer | Error> {
  if (opts.inputFile === undefined) return opts.input ?? '';
  return readFile(opts.inputFile).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
}

let stdbuf: string | null | undefined;
/** Where coreutils' `stdbuf` is on PATH (StreamOptions.writeBlock), or null; looked up once. */
function stdbufPath(): string | null {
  stdbuf ??= onPath('stdbuf');
  return stdbuf;
}

let perl: string | null | undefined;
/** perl (Debian's perl-base is essential: always there), or null. */
function perlPath(): string | null {
  perl ??= onPath('perl');
  return perl;
}

function onPath(name: string): string | null {
  return (
    (process.env.PATH ?? '/usr/bin:/bin')
      .split(':')
      .map((dir) => join(dir || '.', name))
      .find((p) => existsSync(p)) ?? null
  );
}

/**
 * Sizes its standard output's buffer (a socket: SO_SNDBUFFORCE 32, else
 * SO_SNDBUF 7, at SOL_SOCKET 1; a pipe: F_SETPIPE_SZ 1031), then becomes
 * the command: same pid, same exit, no shell. Arguments: the size, the
 * command, its arguments.
 */
const OUTPUT_SIZER =
  'my $n = 0 + shift; setsockopt(STDOUT, 1, 32, $n) or setsockopt(STDOUT, 1, 7, $n) or fcntl(STDOUT, 1031, $n); ' +
  'exec { $ARGV[0] } @ARGV or die "exec $ARGV[0]: $!\\n"';

/** Kept of a streamed command's standard error, for its exit report. */
const STREAM_STDERR_MAX = 64 * 1024;

export function createRunner(options: RunnerOptions = {}): Runner {
  const { netns, logger, timeoutMs = 60_000, fromHelper: helperByDefault = false } = options;
  const commandLine = (command: string, args: readonly string[]): [string, string[]] =>
    netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, [...args]];
  return {
    netns,
    async run(command, args, opts = {}) {
      const [file, argv] = commandLine(command, args);
      const started = performance.now();
      const limit = opts.timeoutMs ?? timeoutMs;
      let proc: { exitCode?: number | undefined; stdout?: unknown; stderr?: unknown; timedOut: boolean };
      if (opts.fromHelper ?? helperByDefault) {
        const done = runFromHelper(file, argv, {
          input: opts.input ?? '',
          ...(opts.inputFile !== undefined ? { inputFile: opts.inputFile } : {}),
          timeoutMs: limit,
          env: { LC_ALL: 'C' },
          // Sent there by the runner's default, not by the call: a helper apart from nft -f's.
          own: opts.fromHelper === undefined,
        });
        opts.onSpawn?.();
        proc = await done;
      } else {
        const input = await directInput(opts);
        // A file that cannot be read fails as it does from the helper: the command is not started.
        if (input instanceof Error) {
          proc = { exitCode: 127, stdout: '', stderr: input.message, timedOut: false };
        } else {
          const subprocess = execa(file, argv, {
            input,
            reject: false,
            timeout: limit,
            stripFinalNewline: false,
            maxBuffer: 1024 * 1024 * 1024,
            env: { LC_ALL: 'C' },
          });
          opts.onSpawn?.();
          proc = await subprocess;
        }
      }
      const result: RunResult = {
        command,
        args,
        exitCode: proc.exitCode ?? (proc.timedOut ? 124 : 1),
        stdout: String(proc.stdout ?? ''),
        stderr: proc.timedOut ? `timed out after ${limit} ms` : String(proc.stderr ?? ''),
        durationMs: performance.now() - started,
      };
      logger?.debug(
        { cmd: [command, ...args].join(' '), netns, exitCode: result.exitCode, ms: Math.round(result.durationMs) },
        'command',
      );
      if (result.exitCode !== 0 && opts.reject !== false) throw new CommandError(result);
      return result;
    },

    stream(command, args, handlers, opts = {}) {
      const [file, argv] =
        opts.writeBlock && stdbufPath()
          ? commandLine('stdbuf', ['-o', String(opts.writeBlock), command, ...args])
          : opts.outputBufferBytes && !opts.fromHelper && perlPath()
            ? commandLine('perl', ['-e', OUTPUT_SIZER, String(opts.outputBufferBytes), command, ...args])
            : commandLine(command, args);
      const started = performance.now();
      const logged = (exit: StreamExit) => {
        logger?.debug(
          {
            cmd: [command, ...args].join(' '),
            netns,
            exitCode: exit.exitCode,
            signal: exit.signal,
            ms: Math.round(exit.durationMs),
          },
          'command',
        );
        return exit;
      };
      // Started before this call by prestartStream() (server.ts): taken over, its output so far handed over first.
      const early = takePrestarted(netns, command, args, opts, handlers);
      if (early) {
        void early.done.then(logged);
        return early;
      }
      if (opts.fromHelper) return streamedFromHelper(file, argv, handlers, started, logged, opts);
      // No buffering (the output of `conntrack -E` never ends): lines are read
      // off the pipes with readline, which joins lines split across chunks.
      const subprocess = execa(file, argv, {
        stdin: 'ignore',
        buffer: false,
        reject: false,
        stripFinalNewline: false,
        env: { LC_ALL: 'C' },
      });
      if (opts.priority !== undefined && subprocess.pid !== undefined) {
        try {
          setPriority(subprocess.pid, opts.priority);
        } catch {
          // Not allowed (no CAP_SYS_NICE): left at this process's priority.
        }
      }
      let stderr = '';
      const lines = (input: NodeJS.ReadableStream) => createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
      const closed = (rl: Interface) => new Promise<void>((resolve) => rl.once('close', resolve));
      const onChunk = handlers.onChunk;
      let outClosed: Promise<void>;
      if (onChunk) {
        const stdout = subprocess.stdout as NodeJS.ReadableStream;
        stdout.on('data', (chunk: Buffer) => onChunk(chunk));
        outClosed = new Promise<void>((resolve) => {
          stdout.once('end', resolve);
          stdout.once('close', resolve);
        });
      } else {
        const out = lines(subprocess.stdout);
        out.on('line', (line) => handlers.onLine(line));
        outClosed = closed(out);
      }
      readInSlices(subprocess.stdout as NodeJS.ReadableStream);
      const err = lines(subprocess.stderr);
      err.on('line', (line) => {
        if (stderr.length < STREAM_STDERR_MAX) stderr += `${line}\n`;
        handlers.onStderrLine?.(line);
      });
      const done = Promise.all([subprocess, outClosed, closed(err)]).then(([proc]) => {
        // A command that could not be started (ENOENT) has no exit code: report it as a shell would.
        const notStarted = proc.exitCode === undefined && proc.signal === undefined;
        if (notStarted) stderr += `${proc.originalMessage ?? proc.message}\n`;
        const exit: StreamExit = {
          exitCode: notStarted ? 127 : (proc.exitCode ?? null),
          signal: (proc.signal as NodeJS.Signals | undefined) ?? null,
          stderr,
          durationMs: performance.now() - started,
        };
        return logged(exit);
      });
      return {
        pid: subprocess.pid,
        done,
        kill(signal: NodeJS.Signals = 'SIGTERM') {
          if (subprocess.exitCode === null && subprocess.signalCode === null) subprocess.kill(signal);
        },
      };
    },
  };
}

/** Runner.stream() through the streams' helper (StreamOptions.fromHelper): the same handlers and exit. */
function streamedFromHelper(
  file: string,
  argv: string[],
  handlers: StreamHandlers,
  started: number,
  logged: (exit: StreamExit) => StreamExit,
  opts: StreamOptions,
): StreamedProcess {
  let stderr = '';
  const out = handlers.onChunk ? null : lineSplitter((line) => handlers.onLine(line));
  const err = lineSplitter((line) => {
    if (stderr.length < STREAM_STDERR_MAX) stderr += `${line}\n`;
    handlers.onStderrLine?.(line);
  });
  const onChunk = handlers.onChunk;
  const proc = streamFromHelper(
    file,
    argv,
    { LC_ALL: 'C' },
    {
      onStdout: onChunk ? (chunk) => onChunk(chunk) : (chunk) => out?.push(chunk),
      onStderr: (chunk) => err.push(chunk),
    },
    { delayMs: opts.delayMs ?? 0, ...(opts.priority !== undefined ? { priority: opts.priority } : {}) },
  );
  const done = proc.done.then((e) => {
    out?.end();
    err.end();
    if (e.error) stderr += `${e.error}\n`;
    return logged({
      exitCode: e.exitCode,
      signal: e.signal,
      stderr,
      durationMs: performance.now() - started,
    });
  });
  return {
    get pid() {
      return proc.pid;
    },
    done,
    kill: (signal) => proc.kill(signal),
  };
}

let defaultRunner: Runner | undefined;
/** A runner for the host (or the namespace this process already lives in). */
export function hostRunner(): Runner {
  defaultRunner ??= createRunner();
  return defaultRunner;
}
