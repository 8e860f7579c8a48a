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
 *
 * Streamed commands (`streamFromHelper`: the conntrack dumps of 100,000 to
 * 1,000,000 flows) run from a second helper of their own (a dump relayed
 * through it does not delay an apply's nft). Their output comes back over
 * an extra pipe (fd 3) in frames: a 9-byte header (type, the call's id, the
 * payload's length) and the payload: 1 standard output, 2 standard error,
 * 3 the exit ({exitCode, signal} as JSON), 4 the pid once started. The
 * helper reads the command's output as fast as it comes and holds what this
 * process has not read yet: a command never waits for a busy event loop
 * here (a 1M-flow dump read while the server starts took ~4 s longer when
 * conntrack stalled on a full pipe), and this process never forks for it
 * (bench 15.2c: the fork of a ~300 MB server is tens of ms of blocked loop).
 * The frames of one call arrive in order, the exit last.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readInSlices } from './read-slices.js';

const HELPER = `
const { spawn } = require('node:child_process');
const running = new Map();
const nice = (pid, priority) => {
  try {
    require('node:os').setPriority(pid, priority);
  } catch {
    // Not allowed (no CAP_SYS_NICE): left at the priority it has.
  }
};
const delayed = new Map();
let frames;
const frame = (type, id, payload) => {
  if (!frames) {
    frames = new (require('node:net').Socket)({ fd: 3, readable: false, writable: true });
    // The server is gone (EPIPE): nobody to hand output to; stop what runs for it.
    frames.on('error', () => {
      for (const child of running.values()) child.kill('SIGTERM');
      process.exit(0);
    });
  }
  const head = Buffer.allocUnsafe(9);
  head[0] = type;
  head.writeUInt32LE(id, 1);
  head.writeUInt32LE(payload.length, 5);
  frames.cork();
  frames.write(head);
  if (payload.length > 0) frames.write(payload);
  frames.uncork();
  return frames.writableLength;
};
/** Over this much unread output the command is paused (its pipe then fills) until the server catches up. */
const HOLD_MAX = 512 * 1024 * 1024;
const stream = (q) => {
  let child;
  let error = '';
  let ended = false;
  const exit = (exitCode, signal) => {
    if (ended) return;
    ended = true;
    running.delete(q.id);
    if (error) frame(2, q.id, Buffer.from(error + '\\n'));
    frame(3, q.id, Buffer.from(JSON.stringify({ exitCode, signal })));
  };
  try {
    child = spawn(q.file, q.argv, { env: { ...process.env, ...q.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    error = String(e && e.message);
    exit(127, null);
    return;
  }
  running.set(q.id, child);
  if (child.pid !== undefined && q.priority !== undefined) {
    nice(child.pid, q.priority);
  }
  if (child.pid !== undefined) frame(4, q.id, Buffer.from(String(child.pid)));
  child.stdout.on('data', (d) => {
    if (frame(1, q.id, d) > HOLD_MAX) {
      child.stdout.pause();
      frames.once('drain', () => child.stdout.resume());
    }
  });
  child.stderr.on('data', (d) => frame(2, q.id, d));
  child.on('error', (e) => { error = e.message; });
  child.on('close', (code, signal) => exit(error && code === null ? 127 : typeof code === 'number' && code < 0 ? 127 : code, signal));
};
process.stdout.on('error', () => process.exit(0));
const lines = require('node:readline').createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  const q = JSON.parse(line);
  if (q.kill) {
    if (delayed.has(q.id)) {
      clearTimeout(delayed.get(q.id));
      delayed.delete(q.id);
      frame(3, q.id, Buffer.from(JSON.stringify({ exitCode: null, signal: q.kill })));
    }
    running.get(q.id)?.kill(q.kill);
    return;
  }
  if (q.stream && q.delayMs > 0) {
    delayed.set(q.id, setTimeout(() => { delayed.delete(q.id); stream(q); }, q.delayMs));
    return;
  }
  if (q.stream) return stream(q);
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
  let fd;
  try {
    if (q.inputFile !== undefined) fd = require('node:fs').openSync(q.inputFile, 'r');
    child = spawn(q.file, q.argv, { env: { ...process.env, ...q.env }, stdio: [fd ?? 'pipe', 'pipe', 'pipe'] });
  } catch (e) {
    reply(127, String(e && e.message));
    return;
  } finally {
    if (fd !== undefined) require('node:fs').closeSync(fd);
  }
  timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, q.timeoutMs);
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.on('error', (e) => reply(127, e.message));
  child.on('close', (code) => reply(code ?? (timedOut ? 124 : 1)));
  if (child.stdin) {
    child.stdin.on('error', () => {});
    child.stdin.end(q.input);
  }
});
lines.on('close', () => process.exit(0));
`;

export interface HelperRequest {
  input: string;
  /** A file that is the command's standard input instead (RunOptions.inputFile), opened by the helper. */
  inputFile?: string;
  timeoutMs: number;
  /** Added to the helper's environment (which is this process's at the helper's start). */
  env: Record<string, string>;
  /**
   * From a helper of its own, not the one of the calls that ask for the
   * helper themselves (nft -f): a helper relays a command's whole output as
   * one line of JSON, and a large listing (nft list of 100,000 forwards,
   * ~10 MB) held up the apply behind it by ~30 ms (bench 15.5b).
   */
  own?: boolean;
}

export interface HelperResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** What a streamed command hands over (streamFromHelper). */
export interface HelperStreamHandlers {
  /** Standard output, chunk by chunk, in order. */
  onStdout(chunk: Buffer): void;
  /** Standard error, chunk by chunk. */
  onStderr(chunk: Buffer): void;
}

export interface HelperStreamExit {
  /** 127 when the command could not be started; 1 with `error` when the helper died. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Why the helper could not run the command to its end (it died), if so. */
  error?: string;
}

export interface HelperStream {
  /** The command's pid, once the helper has reported it. */
  readonly pid: number | undefined;
  /** Resolves after the last frame of output was handed over. Never rejects. */
  readonly done: Promise<HelperStreamExit>;
  kill(signal?: NodeJS.Signals): void;
}

interface StreamCall {
  handlers: HelperStreamHandlers;
  exit: (e: HelperStreamExit) => void;
  pid: number | undefined;
  /** The exit frame's payload as it arrives. */
  exitText: string;
}

interface Helper {
  child: ChildProcess;
  pending: Map<number, (r: HelperResult) => void>;
  streams: Map<number, StreamCall>;
  next: number;
}

let current: Helper | undefined;
/** The helper of the runs a runner sends there by default (RunnerOptions.fromHelper; HelperRequest.own). */
let currentOwn: Helper | undefined;
let currentStreams: Helper | undefined;

/** Reads the helper's fd 3: frames of [type u8, id u32le, length u32le] + payload. */
function frameReader(helper: Helper): (chunk: Buffer) => void {
  const head = Buffer.alloc(9);
  let have = 0;
  let type = 0;
  let id = 0;
  let left = -1;
  const payload = (part: Buffer) => {
    const call = helper.streams.get(id);
    if (!call) return;
    if (type === 1) call.handlers.onStdout(part);
    else if (type === 2) call.handlers.onStderr(part);
    else call.exitText += part.toString();
  };
  const complete = () => {
    const call = helper.streams.get(id);
    left = -1;
    have = 0;
    if (!call) return;
    if (type === 4) {
      call.pid = Number(call.exitText);
      call.exitText = '';
    } else if (type === 3) {
      helper.streams.delete(id);
      idle(helper);
      const e = JSON.parse(call.exitText) as { exitCode: number | null; signal: NodeJS.Signals | null };
      call.exit({ exitCode: e.exitCode, signal: e.signal });
    }
  };
  return (chunk) => {
    let i = 0;
    while (i < chunk.length) {
      if (left < 0) {
        const n = Math.min(9 - have, chunk.length - i);
        chunk.copy(head, have, i, i + n);
        have += n;
        i += n;
        if (have < 9) break;
        type = head[0] as number;
        id = head.readUInt32LE(1);
        left = head.readUInt32LE(5);
        if (left === 0) complete();
        continue;
      }
      const n = Math.min(left, chunk.length - i);
      payload(chunk.subarray(i, i + n));
      i += n;
      left -= n;
      if (left === 0) complete();
    }
  };
}

function startHelper(): Helper {
  const child = spawn(process.execPath, ['-e', HELPER], { stdio: ['pipe', 'pipe', 'inherit', 'pipe'] });
  const helper: Helper = { child, pending: new Map(), streams: new Map(), next: 1 };
  const frames = child.stdio[3] as NodeJS.ReadableStream | null;
  const read = frameReader(helper);
  if (frames) {
    frames.on('data', (chunk: Buffer) => read(chunk));
    readInSlices(frames);
  }
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
    if (currentOwn === helper) currentOwn = undefined;
    if (currentStreams === helper) currentStreams = undefined;
    for (const resolve of helper.pending.values()) resolve({ exitCode: 1, stdout: '', stderr: why, timedOut: false });
    helper.pending.clear();
  };
  // Streams end when fd 3 has been read to its end (their last frames come before it).
  const failStreams = (why: string) => {
    for (const call of helper.streams.values()) call.exit({ exitCode: 1, signal: null, error: why });
    helper.streams.clear();
  };
  child.on('error', (e) => {
    fail(`spawn helper: ${e.message}`);
    failStreams(`spawn helper: ${e.message}`);
  });
  child.on('exit', (code, signal) => fail(`spawn helper exited (${signal ?? code})`));
  child.on('close', (code, signal) => failStreams(`spawn helper exited (${signal ?? code})`));
  child.stdin?.on('error', () => undefined);
  child.unref();
  idle(helper);
  return helper;
}

/** The helper's pipes keep this process alive only while it runs a command for us. */
function idle(helper: Helper): void {
  const ref = helper.pending.size > 0 || helper.streams.size > 0;
  const pipes = [helper.child.stdin, helper.child.stdout, helper.child.stdio[3]];
  for (const s of pipes as Array<{ ref?(): void; unref?(): void } | null | undefined>) {
    if (ref) s?.ref?.();
    else s?.unref?.();
  }
}

/** Runs `file argv` from the helper; resolves (never rejects) once it has exited. */
export function runFromHelper(file: string, argv: readonly string[], req: HelperRequest): Promise<HelperResult> {
  let helper: Helper;
  if (req.own) {
    currentOwn ??= startHelper();
    helper = currentOwn;
  } else {
    current ??= startHelper();
    helper = current;
  }
  const id = helper.next++;
  return new Promise((resolve) => {
    helper.pending.set(id, resolve);
    idle(helper);
    helper.child.stdin?.write(
      `${JSON.stringify({ id, file, argv, input: req.input, inputFile: req.inputFile, timeoutMs: req.timeoutMs, env: req.env })}\n`,
    );
  });
}

/** How the streams' helper starts a command (streamFromHelper). */
export interface HelperStreamStart {
  /** The helper starts it this much later (timed there, so a busy event loop here does not push the start back). */
  delayMs?: number;
  /** Its scheduling priority (nice, -20..19), set by the helper once started; ignored where not allowed. */
  priority?: number;
}

/**
 * Starts `file argv` from the streams' helper and hands over its output as
 * it arrives (see the top of this file); the command's stdin is empty.
 */
export function streamFromHelper(
  file: string,
  argv: readonly string[],
  env: Record<string, string>,
  handlers: HelperStreamHandlers,
  { delayMs = 0, priority }: HelperStreamStart = {},
): HelperStream {
  currentStreams ??= startHelper();
  const helper = currentStreams;
  const id = helper.next++;
  let exit!: (e: HelperStreamExit) => void;
  const done = new Promise<HelperStreamExit>((resolve) => {
    exit = resolve;
  });
  const call: StreamCall = { handlers, exit, pid: undefined, exitText: '' };
  let ended = false;
  void done.then(() => {
    ended = true;
  });
  helper.streams.set(id, call);
  idle(helper);
  helper.child.stdin?.write(`${JSON.stringify({ id, stream: true, file, argv, env, delayMs, priority })}\n`);
  return {
    get pid() {
      return call.pid;
    },
    done,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (!ended) helper.child.stdin?.write(`${JSON.stringify({ id, kill: signal })}\n`);
    },
  };
}

/**
 * Starts the streams' helper now if it is not running (a server that will
 * dump conntrack at start: the helper's own start, ~0.1-0.3 s on a busy box,
 * then overlaps the server's module loading instead of delaying the dump).
 */
export function prestartStreamHelper(): void {
  currentStreams ??= startHelper();
}
