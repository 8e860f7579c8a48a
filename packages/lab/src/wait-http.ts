import { execa } from 'execa';
import type { Lab, Where } from './lab.js';
import { WAIT_HTTP } from './scripts.js';

/**
 * Waits until `url` answers 2xx, from inside one of the lab's namespaces
 * (`from: { lab, where }`: the check goes the way a client there would go,
 * e.g. from the server namespace to the gateway's LAN address) or from this
 * host. Any certificate is accepted (the panel's self-signed one). Throws,
 * naming the URL, where it was asked from and the last problem, once the
 * deadline has passed.
 */
export async function waitForHttp(url: string, timeoutMs: number, from?: { lab: Lab; where: Where }): Promise<void> {
  const args = ['-e', WAIT_HTTP, '--', String(timeoutMs), url];
  const r = from
    ? await from.lab.exec(from.where, process.execPath, args, { timeoutMs: timeoutMs + 5000, reject: false })
    : await execa(process.execPath, args, {
        stdin: 'ignore',
        timeout: timeoutMs + 5000,
        killSignal: 'SIGKILL',
        reject: false,
      });
  if (r.exitCode === 0) return;
  const last = r.timedOut ? 'the wait was killed' : r.stderr.trim() || `exit ${r.exitCode}`;
  const place = from ? `the lab's ${from.where} namespace` : 'this host';
  throw new Error(`${url} did not answer from ${place} within ${timeoutMs} ms (${last})`);
}
