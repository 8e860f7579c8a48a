/**
 * Where the CLI finds the server and its token: GATEHOUSE_URL and
 * GATEHOUSE_TOKEN, else the file `gatehouse login` wrote
 * ($XDG_CONFIG_HOME/gatehouse/config.json, ~/.config/... without it).
 * The file holds a bearer token, so it is written 0600 in a 0700 directory.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export interface CliConfig {
  url: string;
  token: string;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'gatehouse', 'config.json');
}

export async function readConfig(env: NodeJS.ProcessEnv = process.env): Promise<Partial<CliConfig>> {
  let stored: Partial<CliConfig> = {};
  try {
    stored = JSON.parse(await readFile(configPath(env), 'utf8')) as Partial<CliConfig>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return {
    ...stored,
    ...(env.GATEHOUSE_URL ? { url: env.GATEHOUSE_URL } : {}),
    ...(env.GATEHOUSE_TOKEN ? { token: env.GATEHOUSE_TOKEN } : {}),
  };
}

export async function writeConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const path = configPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return path;
}
