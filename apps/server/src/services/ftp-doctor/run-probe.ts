/**
 * A probe program run the doctor's way, for FTP's and TFTP's probes alike:
 * `node -e <program> -- <args>` through the one runner, so it runs in the
 * gateway's namespace (probe-program.ts says why), killed after its own
 * deadline plus 3 s; its last stdout line is its JSON answer.
 */
import type { Runner } from '@gatehouse/rules';

export interface ProbeRun {
  /** The last stdout line parsed, or undefined when there is none that parses. */
  answer: unknown;
  /** Why there may be no answer: the program's stderr, or how it exited. */
  failure: string;
}

export async function runProbeProgram(
  runner: Runner,
  program: string,
  args: string[],
  timeoutMs: number,
): Promise<ProbeRun> {
  const r = await runner
    .run(process.execPath, ['-e', program, '--', ...args], { reject: false, timeoutMs: timeoutMs + 3000 })
    .catch((err: unknown) => ({ exitCode: 1, stdout: '', stderr: String(err) }));
  let answer: unknown;
  try {
    answer = JSON.parse(r.stdout.trim().split('\n').pop() ?? '');
  } catch {
    // the program did not print its line
  }
  return { answer, failure: r.stderr.trim().slice(0, 300) || `probe exited ${r.exitCode}` };
}
