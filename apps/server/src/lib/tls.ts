/**
 * HTTPS: the operator's certificate (GATEHOUSE_TLS_CERT / GATEHOUSE_TLS_KEY),
 * or a self-signed one made on first start (GATEHOUSE_TLS=self-signed) and
 * kept in the state directory, so browsers and `gatehouse login` see the
 * same certificate across restarts and can pin it.
 *
 * The self-signed certificate is made by openssl (argument array, no shell):
 * it is on every Debian gateway (ca-certificates depends on it), and a
 * JavaScript X.509 library would add a dependency tree for a one-off.
 */
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ServerConfig } from '../config.js';

export interface TlsFiles {
  cert: string;
  key: string;
  /** Where they were read from. */
  certPath: string;
  keyPath: string;
  generated: boolean;
}

export const SELF_SIGNED_DIR = 'tls';

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    () => false,
  );
}

/** Makes a self-signed certificate (EC P-256, 825 days: the longest Apple clients accept) unless one is there. */
export async function ensureSelfSigned(
  stateDir: string,
): Promise<{ certPath: string; keyPath: string; generated: boolean }> {
  const dir = join(stateDir, SELF_SIGNED_DIR);
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  if ((await exists(certPath)) && (await exists(keyPath))) return { certPath, keyPath, generated: false };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const host = hostname();
  const tmpCert = `${certPath}.tmp`;
  const tmpKey = `${keyPath}.tmp`;
  try {
    // biome-ignore format: one option per line reads better
    await execa('openssl', [
      'req', '-x509', '-nodes',
      '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
      '-keyout', tmpKey, '-out', tmpCert,
      '-days', '825',
      '-subj', `/CN=${host.replace(/[/\\=+,]/g, '-')}`,
      '-addext', `subjectAltName=DNS:${host},DNS:localhost,IP:127.0.0.1,IP:::1`,
    ], { stdin: 'ignore' });
    await chmod(tmpKey, 0o600);
    await chmod(tmpCert, 0o600);
    // The key first: a crash in between leaves no certificate without its key.
    await rename(tmpKey, keyPath);
    await rename(tmpCert, certPath);
  } finally {
    await rm(tmpKey, { force: true });
    await rm(tmpCert, { force: true });
  }
  return { certPath, keyPath, generated: true };
}

/** The certificate and key to serve HTTPS with, or null for plain HTTP. */
export async function loadTls(config: ServerConfig): Promise<TlsFiles | null> {
  let paths: { certPath: string; keyPath: string; generated: boolean };
  if (config.tlsCert && config.tlsKey) paths = { certPath: config.tlsCert, keyPath: config.tlsKey, generated: false };
  else if (config.tls === 'self-signed') paths = await ensureSelfSigned(config.stateDir);
  else return null;
  const [cert, key] = await Promise.all([readFile(paths.certPath, 'utf8'), readFile(paths.keyPath, 'utf8')]);
  return { cert, key, ...paths };
}
