/**
 * The TFTP probe: from the gateway over the LAN, as the helper's clients
 * would, a read request (RRQ, octet mode) for a file name that cannot exist.
 * A TFTP server answers it with an ERROR packet from a new port (RFC 1350:
 * its transfer id), which proves it runs and answers; no answer within the
 * deadline is a failure. A small Node program run through the one runner,
 * so it runs in the gateway's namespace like the FTP probe
 * (probe-program.ts says why). One datagram out, never a transfer: should
 * the name exist after all, the DATA packet is answered with an ERROR that
 * ends the transfer.
 */
import { randomBytes } from 'node:crypto';
import type { Runner } from '@gatehouse/rules';
import { runProbeProgram } from './run-probe.js';

export interface TftpProbeResult {
  /** The server sent something back. */
  answered: boolean;
  /** TFTP opcode of the answer (5 = ERROR, 3 = DATA). */
  opcode?: number;
  /** The ERROR packet's code and message. */
  errorCode?: number;
  message?: string;
  /** The port the answer came from (its transfer id). */
  fromPort?: number;
  /** Why there is no answer (timeout, a socket error code). */
  error?: string;
}

export const TFTP_PROBE_TIMEOUT_MS = 3000;

/** `node -e <source> -- host port timeoutMs fileName`; prints one JSON line. */
export const TFTP_PROBE_PROGRAM = String.raw`
'use strict';
const dgram = require('node:dgram');
const [host, port, timeoutMs, name] = process.argv.slice(1);
const out = { answered: false };
const sock = dgram.createSocket('udp4');
const deadline = setTimeout(() => finish('timeout'), Number(timeoutMs));
function finish(error) {
  if (out.done) return;
  out.done = true;
  if (error) out.error = error;
  clearTimeout(deadline);
  process.stdout.write(JSON.stringify(out) + '\n');
  try { sock.close(); } catch {}
  process.exit(0);
}
sock.on('error', (e) => finish(e.code || 'error'));
sock.on('message', (msg, from) => {
  if (from.address !== host || msg.length < 4) return;
  out.answered = true;
  out.opcode = msg.readUInt16BE(0);
  out.fromPort = from.port;
  if (out.opcode === 5) {
    out.errorCode = msg.readUInt16BE(2);
    out.message = msg.subarray(4).toString('latin1').replace(/\0.*$/s, '').slice(0, 200);
  } else if (out.opcode === 3) {
    const stop = Buffer.concat([Buffer.from([0, 5, 0, 0]), Buffer.from('gatehouse doctor probe\0')]);
    sock.send(stop, from.port, host, () => finish());
    return;
  }
  finish();
});
const rrq = Buffer.concat([Buffer.from([0, 1]), Buffer.from(name + '\0octet\0', 'latin1')]);
sock.send(rrq, Number(port), host, (e) => { if (e) finish(e.code || 'error'); });
`;

export async function runTftpProbe(server: string, port: number, runner: Runner): Promise<TftpProbeResult> {
  // A name no server holds: random, made here.
  const name = `gatehouse-doctor-${randomBytes(6).toString('hex')}.does-not-exist`;
  const args = [server, String(port), String(TFTP_PROBE_TIMEOUT_MS), name];
  const r = await runProbeProgram(runner, TFTP_PROBE_PROGRAM, args, TFTP_PROBE_TIMEOUT_MS);
  const t = r.answer as (TftpProbeResult & { done?: boolean }) | undefined;
  if (typeof t?.answered === 'boolean') {
    delete t.done;
    return t;
  }
  return { answered: false, error: r.failure };
}
