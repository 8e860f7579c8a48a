/**
 * A lab daemon's life (vsftpd, in.tftpd, the banner services): the directory
 * it serves, its start (watched for an early exit while waiting for its
 * ports), and its stop.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import type { Lab, Where } from './lab.js';
import { WAIT_PORTS } from './scripts.js';

/**
 * Make `root` and write `files` into it, readable by the daemon's
 * unprivileged user (the lab dir and `root` 0755, files 0644).
 */
export async function writeServedFiles(
  labDir: string,
  root: string,
  files: Record<string, string | Uint8Array>,
  kind: string,
): Promise<void> {
  await mkdir(root, { recursive: true, mode: 0o755 });
  await chmod(labDir, 0o755);
  await chmod(root, 0o755);
  for (const [name, content] of Object.entries(files)) {
    if (name.includes('/') || name.startsWith('.')) throw new Error(`invalid ${kind} file name ${name}`);
    const file = join(root, name);
    await writeFile(file, content);
    await chmod(file, 0o644);
  }
}

/**
 * Wait until `ready` resolves; rejects, naming the service, as soon as one
 * of `services` exits first (with what it printed, when spawned with `all`).
 */
export async function untilStarted(
  services: { name: string; proc: ResultPromise }[],
  ready: Promise<void>,
): Promise<void> {
  let starting = true;
  const earlyExit = services.map(({ name, proc }) =>
    proc.then((r) => {
      if (starting) {
        const out = typeof r.all === 'string' ? r.all.trim() : '';
        throw new Error(`${name} exited during startup (exit ${r.exitCode ?? r.signal}): ${out}`);
      }
    }),
  );
  try {
    await Promise.race([ready, ...earlyExit]);
  } finally {
    starting = false;
  }
}

/**
 * Wait inside a namespace until every `host:port` of `ats` accepts TCP
 * connections. The deadline is inside (WAIT_PORTS) and outside (the exec
 * timeout). Returns those that did not in time ([] when all did; all of them
 * when the waiter failed without naming any).
 */
export async function waitForPorts(lab: Lab, where: Where, ats: string[], timeoutMs: number): Promise<string[]> {
  const r = await lab.exec(where, process.execPath, ['-e', WAIT_PORTS, '--', String(timeoutMs), ...ats], {
    timeoutMs: timeoutMs + 5000,
    reject: false,
  });
  if (r.exitCode === 0) return [];
  const late = ats.filter((at) => r.stderr.includes(at));
  return late.length > 0 ? late : ats;
}

/**
 * A daemon's stop(): SIGTERM (after `first`, e.g. a SIGCONT for a paused
 * one), SIGKILL a second later if it is still there. Idempotent: every call
 * gets the first call's promise.
 */
export function stopOnce(proc: ResultPromise, first?: () => void): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      first?.();
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 1000);
      await proc;
      clearTimeout(t);
    })();
    return stopped;
  };
}
