/**
 * An FTPS server (vsftpd with `ssl_enable=YES`, explicit `AUTH TLS`) inside a
 * lab namespace, and an FTPS client (curl --ssl-reqd) to reach it.
 *
 * Why a separate server: the FTP helper reads PASV/PORT in the control
 * channel; with TLS on that channel it reads nothing, so an FTPS server behind
 * NAT only works when (1) it has a fixed passive range the gateway forwards
 * as is, and (2) it announces the public address itself (`pasv_address`).
 * Both are options here, so a test can show each half missing.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { execa } from 'execa';
import { LAB_ADDR, LAB_FILES } from './constants.js';
import { stopOnce, untilStarted, waitForPorts, writeServedFiles } from './daemon.js';
import { pasvReplyOf } from './ftp.js';
import type { Lab, Where } from './lab.js';
import { ftpUser, vsftpdConfig } from './vsftpd.js';

/** Default passive range of the lab FTPS server (outside the plain vsftpd's 30000-30999). */
export const FTPS_PASV_PORT_RANGE = { min: 40000, max: 40009 } as const;

export interface FtpsServerOptions {
  /** Control port (explicit FTPS: AUTH TLS on the control port). Default 21. */
  port?: number;
  /** Namespace the server runs in. Default 'server'. */
  where?: Where;
  /** Address it listens on. Default 192.168.1.2 (the lab server). */
  listenAddress?: string;
  /** pasv_min_port / pasv_max_port. Default 40000-40009. */
  passivePorts?: { min: number; max: number };
  /** vsftpd `pasv_address`: the address announced in 227 replies (e.g. the gateway's public 192.0.2.2). Unset: the server's own address. */
  pasvAddress?: string;
  /** Require TLS for login and data (`force_anon_logins_ssl`, `force_anon_data_ssl`). Default true. */
  requireTls?: boolean;
  /** Files served read-only (anonymous). Default LAB_FILES. */
  files?: Record<string, string | Uint8Array>;
  /** How long to wait for the port to accept connections. Default 15 000 ms. */
  readyTimeoutMs?: number;
  /** vsftpd binary. Default /usr/sbin/vsftpd (Debian). */
  vsftpdPath?: string;
}

export interface FtpsServer {
  /** Control port. */
  readonly port: number;
  /** Address it listens on. */
  readonly address: string;
  /** pid of `ip netns exec ... vsftpd` (vsftpd itself, `ip netns exec` execs it). */
  readonly pid: number | undefined;
  readonly passivePorts: { min: number; max: number };
  readonly pasvAddress: string | undefined;
  /** PEM certificate the server presents (self-signed, made at start). */
  readonly certFile: string;
  /** Directory served. */
  readonly root: string;
  /** The vsftpd protocol log. */
  log(): Promise<string>;
  /** Stop the server (SIGTERM, then SIGKILL). lab.destroy() does it too. Idempotent. */
  stop(): Promise<void>;
}

const OPENSSL_TIMEOUT_MS = 15_000;

/** The FTPS lines vsftpd.conf gets after the plain server's. */
function ftpsLines(o: { cert: string; key: string; pasvAddress: string | undefined; requireTls: boolean }): string[] {
  return [
    ...(o.pasvAddress ? [`pasv_address=${o.pasvAddress}`] : []),
    // TLS: explicit FTPS (AUTH TLS). vsftpd 3.0.3's default cipher list
    // (DES-CBC3-SHA) is refused by OpenSSL 3, hence HIGH.
    'ssl_enable=YES',
    'allow_anon_ssl=YES',
    `force_anon_logins_ssl=${o.requireTls ? 'YES' : 'NO'}`,
    `force_anon_data_ssl=${o.requireTls ? 'YES' : 'NO'}`,
    'ssl_tlsv1=YES',
    'ssl_sslv2=NO',
    'ssl_sslv3=NO',
    'require_ssl_reuse=NO',
    'ssl_ciphers=HIGH',
    `rsa_cert_file=${o.cert}`,
    `rsa_private_key_file=${o.key}`,
  ];
}

/**
 * Start vsftpd with TLS inside a lab namespace (default: the server, 192.168.1.2),
 * with a self-signed certificate made by openssl now, a stated passive range
 * and optionally `pasv_address`. Resolves once the port accepts connections;
 * the process is a lab child, so lab.destroy() ends it.
 */
export async function startFtpsServer(lab: Lab, opts: FtpsServerOptions = {}): Promise<FtpsServer> {
  const port = opts.port ?? 21;
  const where = opts.where ?? 'server';
  const address = opts.listenAddress ?? LAB_ADDR.server;
  const passive = opts.passivePorts ?? FTPS_PASV_PORT_RANGE;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 15_000;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid FTPS port ${port}`);
  if (!(passive.min >= 1024 && passive.min <= passive.max && passive.max <= 65535))
    throw new Error(`invalid FTPS passive range ${passive.min}-${passive.max}`);
  if (port >= passive.min && port <= passive.max) throw new Error(`FTPS port ${port} is inside its passive range`);

  const base = join(lab.dir, `ftps-${port}`);
  const root = join(base, 'root');
  const empty = join(base, 'empty');
  await writeServedFiles(lab.dir, root, opts.files ?? LAB_FILES, 'FTPS');
  await mkdir(empty, { recursive: true, mode: 0o755 });
  await chmod(base, 0o755);

  const cert = join(base, 'cert.pem');
  const key = join(base, 'key.pem');
  // openssl runs inside the namespace too: nothing of the lab runs in the host's.
  const ssl = await lab.exec(
    where,
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=gatehouse-lab-ftps-${port}`,
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { reject: false, timeoutMs: OPENSSL_TIMEOUT_MS },
  );
  if (ssl.exitCode !== 0) throw new Error(`FTPS: openssl req failed (exit ${ssl.exitCode}): ${ssl.stderr.trim()}`);
  await chmod(key, 0o600);

  const log = join(base, 'vsftpd.log');
  const conf = join(base, 'vsftpd.conf');
  await writeFile(
    conf,
    vsftpdConfig(
      { kind: 'FTPS', port, address, root, empty, log, user: await ftpUser(), passive },
      ftpsLines({ cert, key, pasvAddress: opts.pasvAddress, requireTls: opts.requireTls ?? true }),
    ),
    { mode: 0o600 },
  );

  const proc: ResultPromise = lab.spawn(where, opts.vsftpdPath ?? '/usr/sbin/vsftpd', [conf], {
    stdin: 'ignore',
    all: true,
  });
  const ready = waitForPorts(lab, where, [`${address}:${port}`], readyTimeoutMs).then((late) => {
    if (late.length > 0)
      throw new Error(`FTPS vsftpd on ${address}:${port} did not accept connections within ${readyTimeoutMs} ms`);
  });
  try {
    await untilStarted([{ name: `FTPS vsftpd on port ${port}`, proc }], ready);
  } catch (err) {
    proc.kill('SIGKILL');
    await proc;
    throw err;
  }

  return {
    port,
    address,
    pid: proc.pid,
    passivePorts: { ...passive },
    pasvAddress: opts.pasvAddress,
    certFile: cert,
    root,
    log: () => readFile(log, 'utf8').catch(() => ''),
    stop: stopOnce(proc),
  };
}

export interface FtpsFetchOptions {
  /** Namespace curl runs in. Default 'client'. */
  from?: Where;
  /** Default: the gateway's public address 192.0.2.2. */
  host?: string;
  /** Control port. Default 21. */
  port?: number;
  /** '' (default) lists '/', 'hello.txt' retrieves that file. */
  path?: string;
  /** passive (PASV, EPSV off) by default; active sends PORT. */
  mode?: 'passive' | 'active';
  /** Keep curl from replacing the 227 address by the control connection's peer (default true: use the announced address). */
  usePasvAddress?: boolean;
  /** curl --max-time; default 8. */
  timeoutSec?: number;
}

export interface FtpsFetchResult {
  ok: boolean;
  /** curl exit code: 0, 7 (could not connect), 28 (timeout), 64 (TLS required and not offered), ... */
  exitCode: number;
  /** Listing or file content, as bytes (binary-safe for checksums). */
  body: Buffer;
  /** curl -v output: the control dialogue (after AUTH TLS curl still logs its commands and the replies). */
  transcript: string;
  /** The 227 reply as seen by the client. */
  pasvReply?: string;
  pasvAddress?: { host: string; port: number };
}

/**
 * `curl --ssl-reqd -k` from a lab namespace (explicit FTPS, the self-signed
 * certificate accepted). Never throws for FTP, TLS or network failures.
 */
export async function ftpsFetch(lab: Lab, opts: FtpsFetchOptions = {}): Promise<FtpsFetchResult> {
  const host = opts.host ?? LAB_ADDR.gatewayWan;
  const port = opts.port ?? 21;
  const path = (opts.path ?? '').replace(/^\/+/, '');
  const maxTime = opts.timeoutSec ?? 8;
  const args = [
    '-sS',
    '-v',
    '--ssl-reqd',
    '-k',
    '--connect-timeout',
    String(Math.min(5, maxTime)),
    '--max-time',
    String(maxTime),
  ];
  if ((opts.mode ?? 'passive') === 'passive') {
    args.push('--ftp-pasv', '--disable-epsv');
    if (opts.usePasvAddress ?? true) args.push('--no-ftp-skip-pasv-ip');
  } else {
    args.push('--ftp-port', '-', '--disable-eprt');
  }
  args.push(`ftp://${host}:${port}/${path}`);
  const ns = lab.ns[opts.from ?? 'client'];
  // Not lab.exec: the body is binary and must not be decoded.
  const r = await execa('ip', ['netns', 'exec', ns, 'curl', ...args], {
    stdin: 'ignore',
    encoding: 'buffer',
    reject: false,
    timeout: (maxTime + 5) * 1000,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  const transcript = Buffer.from(r.stderr).toString('utf8');
  return {
    ok: r.exitCode === 0,
    exitCode: r.exitCode ?? -1,
    body: Buffer.from(r.stdout),
    transcript,
    ...pasvReplyOf(transcript),
  };
}
