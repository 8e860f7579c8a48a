/**
 * Long-running and large-output commands (`conntrack -E`, `conntrack -L` of
 * 100,000 flows) read line by line as they arrive. The rules package's runner
 * buffers a command's whole output, which is right for nft and wrong here, so
 * this module adds streaming with the same conventions: an argument array and
 * no shell, `ip netns exec <ns>` when the runner targets a namespace, LC_ALL=C,
 * and a log line with the command and its duration.
 *
 * (Proposed for packages/rules as `Runner.stream()`; kept here so the rules
 * package stays untouched while it is being written.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Runner, RunnerLogger } from '@gatehouse/rules';

export interface StreamHandlers {
  onLine(line: string): void;
  onStderrLine?(line: string): void;
}

export interface StreamedProcess {
  readonly child: ChildProcess;
  /** Resolves when the process has exited and its output was read. */
  readonly done: Promise<{
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    stderr: string;
    durationMs: number;
  }>;
  kill(signal?: NodeJS.Signals): void;
}

export function streamLines(
  runner: Pick<Runner, 'netns'>,
  command: string,
  args: readonly string[],
  handlers: StreamHandlers,
  logger?: RunnerLogger,
): StreamedProcess {
  const [file, argv] = runner.netns ? ['ip', ['netns', 'exec', runner.netns, command, ...args]] : [command, [...args]];
  const started = performance.now();
  const child = spawn(file, argv, {
    shell: false,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  });
  let stderr = '';
  const out = createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY });
  const err = createInterface({ input: child.stderr as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY });
  out.on('line', (line) => handlers.onLine(line));
  err.on('line', (line) => {
    if (stderr.length < 64 * 1024) stderr += `${line}\n`;
    handlers.onStderrLine?.(line);
  });
  const closed = (rl: ReturnType<typeof createInterface>) => new Promise<void>((resolve) => rl.once('close', resolve));
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (e) => {
      stderr += `${e.message}\n`;
      resolve({ exitCode: 127, signal: null });
    });
    child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
  });
  const done = Promise.all([exited, closed(out), closed(err)]).then(([r]) => {
    const durationMs = performance.now() - started;
    logger?.debug(
      {
        cmd: [command, ...args].join(' '),
        netns: runner.netns,
        exitCode: r.exitCode,
        signal: r.signal,
        ms: Math.round(durationMs),
      },
      'command',
    );
    return { ...r, stderr, durationMs };
  });
  return {
    child,
    done,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}
