/**
 * The pair's engine files in the HA directory, generated from the applied
 * model for this node: keepalived.conf, conntrackd.conf and the notify hook
 * `ha-notify` (0755, logging to notify.log, which GET /pair reads). Each is
 * written atomically (a temporary file renamed over it), like the boot files.
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type GatewayModel,
  type HaNodeContext,
  renderConntrackdConf,
  renderKeepalivedConf,
  renderNotifyScript,
} from '@gatehouse/rules';

export interface HaFilePaths {
  keepalivedConfig: string;
  conntrackdConfig: string;
  notify: string;
  notifyLog: string;
}

/** Where the files live in the HA directory (every path per node, so two nodes can share a host in the lab). */
export function haFilePaths(dir: string): HaFilePaths & { socket: string; lock: string; conntrackdLog: string } {
  return {
    keepalivedConfig: join(dir, 'keepalived.conf'),
    conntrackdConfig: join(dir, 'conntrackd.conf'),
    notify: join(dir, 'ha-notify'),
    notifyLog: join(dir, 'notify.log'),
    socket: join(dir, 'conntrackd.ctl'),
    lock: join(dir, 'conntrackd.lock'),
    conntrackdLog: join(dir, 'conntrackd.log'),
  };
}

/** The generated texts, by file. `ownAddresses`: this node's addresses (its own flows are not synced). */
export function renderEngineFiles(
  model: GatewayModel & { ha: NonNullable<GatewayModel['ha']> },
  node: string,
  dir: string,
  ownAddresses: readonly string[],
): { path: string; content: string; mode: number }[] {
  const p = haFilePaths(dir);
  const ctx: HaNodeContext = {
    node,
    interfaces: model.interfaces,
    paths: {
      notify: p.notify,
      conntrackdConfig: p.conntrackdConfig,
      conntrackdSocket: p.socket,
      conntrackdLock: p.lock,
      conntrackdLog: p.conntrackdLog,
    },
    ownAddresses,
  };
  return [
    { path: p.conntrackdConfig, content: renderConntrackdConf(model.ha, ctx), mode: 0o644 },
    { path: p.notify, content: renderNotifyScript(p.conntrackdConfig, p.notifyLog), mode: 0o755 },
    { path: p.keepalivedConfig, content: renderKeepalivedConf(model.ha, ctx), mode: 0o600 },
  ];
}

/** Writes the files that differ from what is there; returns the paths it changed. */
export async function writeEngineFiles(files: { path: string; content: string; mode: number }[]): Promise<string[]> {
  const changed: string[] = [];
  for (const f of files) {
    const now = await readFile(f.path, 'utf8').catch(() => null);
    if (now === f.content) continue;
    await mkdir(join(f.path, '..'), { recursive: true, mode: 0o700 });
    const tmp = `${f.path}.tmp-${process.pid}`;
    await writeFile(tmp, f.content, { mode: f.mode });
    await chmod(tmp, f.mode);
    await rename(tmp, f.path);
    changed.push(f.path);
  }
  return changed;
}
