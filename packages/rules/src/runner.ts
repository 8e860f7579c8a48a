/**
 * The one way this project starts nft, conntrack, ip and modprobe: execa with
 * an argument array and no shell; input (a ruleset) goes on stdin. Every call
 * is logged with its duration; failures carry the command, exit code and
 * stderr.
 */
import { execa } from 'execa';

export interface RunOptions {
  /** Text for the command's standard input (rulesets go here, never on the command line). */
  input?: string;
  timeoutMs?: number;
  /** Resolve instead of throwing on a non-zero exit. */
  reject?: boolean;
  /**
   * Called once the process has been started, before waiting for it: work
   * the caller does here overlaps with the command (which runs on another
   * core) instead of delaying its start.
   */
  onSpawn?: () => void;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunnerLogger {
  debug(obj: object, msg?: string): void;
}

export interface Runner {
  /** Network namespace the commands run in (`ip netns exec`), if any. */
  readonly netns: string | undefined;
  run(command: string, args: readonly string[], opts?: RunOptions): Promise<RunResult>;
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
}

export function createRunner(options: RunnerOptions = {}): Runner {
  const { netns, logger, timeoutMs = 60_000 } = options;
  return {
    netns,
    async run(command, args, opts = {}) {
      const [file, argv] = netns ? ['ip', ['netns', 'exec', netns, command, ...args]] : [command, [...args]];
      const started = performance.now();
      const subprocess = execa(file, argv, {
        input: opts.input ?? '',
        reject: false,
        timeout: opts.timeoutMs ?? timeoutMs,
        stripFinalNewline: false,
        maxBuffer: 1024 * 1024 * 1024,
        env: { LC_ALL: 'C' },
      });
      opts.onSpawn?.();
      const proc = await subprocess;
      const result: RunResult = {
        command,
        args,
        exitCode: proc.exitCode ?? (proc.timedOut ? 124 : 1),
        stdout: String(proc.stdout ?? ''),
        stderr: proc.timedOut ? `timed out after ${opts.timeoutMs ?? timeoutMs} ms` : String(proc.stderr ?? ''),
        durationMs: performance.now() - started,
      };
      logger?.debug(
        { cmd: [command, ...args].join(' '), netns, exitCode: result.exitCode, ms: Math.round(result.durationMs) },
        'command',
      );
      if (result.exitCode !== 0 && opts.reject !== false) throw new CommandError(result);
      return result;
    },
  };
}

let defaultRunner: Runner | undefined;
/** A runner for the host (or the namespace this process already lives in). */
export function hostRunner(): Runner {
  defaultRunner ??= createRunner();
  return defaultRunner;
}
