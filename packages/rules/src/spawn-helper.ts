/**
 * Starts commands from a small helper process instead of this one, for the
 * runner's `fromHelper` calls (nft -f: whole rulesets and element deltas).
 *
 * Why: Node starts a command by fork() and exec(), and both cost in
 * proportion to the parent's memory: its page tables are copied and then
 * torn down, and pages the parent writes meanwhile fault. Measured here
 * (spawn() to the 'spawn' event, medians of 20, a box at load ~13): 4 ms from
 * a 48 MB process, 22-43 ms from 190 MB, 62-107 ms from 385 MB, which is
 * what the server holds at 10,000 and 100,000 forwards. The helper stays
 * small (~40 MB), so every command it starts costs the first figure, plus a
 * line of JSON each way over its pipes.
 *
 * The helper is a `node -e` script (no file to find, no shell): it reads one
 * JSON request per line ({id, file, argv, input, timeoutMs, env}), starts
 * `file` with the argument array, and answers {id, exitCode, stdout, stderr,
 * timedOut}. It is started on first use and ends when this process does
 * (its stdin closes). If it dies, pending calls fail and the next call
 * starts a new one.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const HELPER = `
const { spawn } = require('node:child_process');
const lines = require('node:readline').createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  const q = JSON.parse(line);
  const out = [];
  const err = [];
  let timedOut = false;
  let done = false;
  let timer;
  const reply = (exitCode, extra) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    const stderr = Buffer.concat(err).toString() + (extra ?? '');
    process.stdout.write(JSON.stringify({ id: q.id, exitCode, timedOut, stdout: Buffer.concat(out).toString(), stderr }) + '\\n');
  };
  let child;
  try {
    child = spawn(q.file, q.argv, { env: { ...process.env, ...q.env }, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    reply(127, String(e && e.message));
    return;
  }
  timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, q.timeoutMs);
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.on('error', (e) => reply(127, e.message));
  child.on('close', (code) => reply(code ?? (timedOut ? 124 : 1)));
  child.stdin.on('error', () => {});
  child.stdin.end(q.input);
});
lines.on('close', () => process.exit(0));
`;

export interface HelperRequest {
  input: string;
  timeoutMs: number;
  /** Added to the helper's environment (which is this process's at the helper's start). */
  env: Record<string, string>;
}

export interface HelperResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

interface Helper {
  child: ChildProcess;
  pending: Map<number, (r: HelperResult) => void>;
  next: number;
}

let current: Helper | undefined;

function startHelper(): Helper {
  const child = spawn(process.execPath, ['-e', HELPER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const helper: Helper = { child, pending: new Map(), next: 1 };
  createInterface({ input: child.stdout as NodeJS.ReadableStream, crlfDelay: Number.POSITIVE_INFINITY }).on(
    'line',
    (line) => {
      const r = JSON.parse(line) as HelperResult & { id: number };
      const resolve = helper.pending.get(r.id);
      helper.pending.delete(r.id);
      idle(helper);
      resolve?.({ exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut });
    },
  );
  const fail = (why: string) => {
    if (current === helper) current = undefined;
    for (const resolve of helper.pending.values()) resolve({ exitCode: 1, stdout: '', stderr: why, timedOut: false });
    helper.pending.clear();
  };
  child.on('error', (e) => fail(`spawn helper: ${e.message}`));
  child.on('exit', (code, signal) => fail(`spawn helper exited (${signal ?? code})`));
  child.stdin?.on('error', () => undefined);
  child.unref();
  idle(helper);
  return helper;
}

/** The helper's pipes keep this process alive only while it runs a command for us. */
function idle(helper: Helper): void {
  const ref = helper.pending.size > 0;
  for (const s of [helper.child.stdin, helper.child.stdout] as Array<{ ref?(): void; unref?(): void } | null>) {
    if (ref) s?.ref?.();
    else s?.unref?.();
  }
}

/** Runs `file argv` from the helper; resolves (never rejects) once it has exited. */
export function runFromHelper(file: string, argv: readonly string[], req: HelperRequest): Promise<HelperResult> {
  current ??= startHelper();
  const helper = current;
  const id = helper.next++;
  return new Promise((resolve) => {
    helper.pending.set(id, resolve);
    idle(helper);
    helper.child.stdin?.write(
      `${JSON.stringify({ id, file, argv, input: req.input, timeoutMs: req.timeoutMs, env: req.env })}\n`,
    );
  });
}
