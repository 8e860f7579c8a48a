/**
 * Starting and reloading the pair's engines after their files changed.
 * Two ways, chosen by GATEHOUSE_HA_ENGINES: `systemd` on a real gateway
 * (Debian's keepalived.service and conntrackd.service, pointed at the files
 * in the HA directory, see docs/ha.md), and `process` in the lab and the demo
 * (both daemons as children of the server, in its namespace, every path in
 * the HA directory). Every command goes through the Runner.
 */
import { readFileSync, rmSync } from 'node:fs';
import type { Runner, StreamedProcess } from '@gatehouse/rules';
import { haFilePaths } from './engine-files.js';

export type HaEngineMode = 'systemd' | 'process' | 'off';

export interface HaEngineChange {
  keepalived: boolean;
  conntrackd: boolean;
}

export interface HaEngines {
  /** Makes the engines run on the files as they are now; `changed` says which files changed. */
  reload(changed: HaEngineChange): Promise<void>;
  /** Ends what this server started (the process engines); systemd units are left running. */
  stop(): Promise<void>;
  /**
   * A failover by hand (POST /pair/failover): stops keepalived alone, so the
   * peer takes the virtual addresses, and keeps it stopped (a reload leaves it
   * down) until resumeKeepalived(). conntrackd keeps running: the peer's
   * flows still arrive in the external cache for a failback.
   */
  holdKeepalived(): Promise<void>;
  /** Starts keepalived again on the config already written (POST /pair/resume). */
  resumeKeepalived(): Promise<void>;
  /** Whether keepalived is held down by a failover by hand. */
  readonly keepalivedHeld: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** SIGKILLs the process a pid file names when it is still `name` (ours, orphaned); nothing otherwise. */
function endOrphan(pidFile: string, name: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 1) return;
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) return;
    process.kill(pid, 'SIGKILL');
  } catch {
    // no file, no such process: nothing left over
  }
}

export class SystemdEngines implements HaEngines {
  keepalivedHeld = false;

  constructor(private readonly runner: Runner) {}

  async reload(changed: HaEngineChange): Promise<void> {
    // conntrackd first: the notify hook keepalived runs talks to it. A held
    // keepalived stays stopped: its unit reads the new file on resume.
    const units = [
      ...(changed.conntrackd ? ['conntrackd'] : []),
      ...(changed.keepalived && !this.keepalivedHeld ? ['keepalived'] : []),
    ];
    if (units.length === 0) return;
    await this.systemctl(['reload-or-restart', ...units]);
  }

  async stop(): Promise<void> {}

  async holdKeepalived(): Promise<void> {
    await this.systemctl(['stop', 'keepalived']);
    this.keepalivedHeld = true;
  }

  async resumeKeepalived(): Promise<void> {
    await this.systemctl(['start', 'keepalived']);
    this.keepalivedHeld = false;
  }

  private async systemctl(args: string[]): Promise<void> {
    const r = await this.runner.run('systemctl', args, { reject: false });
    if (r.exitCode !== 0) throw new Error(`systemctl ${args.join(' ')}: ${r.stderr.trim()}`);
  }
}

export class ProcessEngines implements HaEngines {
  private conntrackd: StreamedProcess | null = null;
  private keepalived: StreamedProcess | null = null;
  private readonly paths: ReturnType<typeof haFilePaths>;
  keepalivedHeld = false;

  constructor(
    private readonly runner: Runner,
    dir: string,
    private readonly log: { warn(obj: object, msg: string): void },
  ) {
    this.paths = haFilePaths(dir);
  }

  async reload(changed: HaEngineChange): Promise<void> {
    if (changed.conntrackd || !this.conntrackd) {
      await this.end('conntrackd');
      await this.startConntrackd();
    }
    if (this.keepalived && changed.keepalived) this.keepalived.kill('SIGHUP');
    else if (!this.keepalived && !this.keepalivedHeld) this.startKeepalived();
  }

  async holdKeepalived(): Promise<void> {
    this.keepalivedHeld = true;
    // SIGTERM: keepalived sends a priority-0 advertisement and removes the
    // virtual addresses, so the peer takes over at once, not after 3 adverts.
    await this.end('keepalived');
  }

  async resumeKeepalived(): Promise<void> {
    this.keepalivedHeld = false;
    if (!this.keepalived) this.startKeepalived();
  }

  private spawn(command: string, args: string[], name: 'conntrackd' | 'keepalived'): StreamedProcess {
    const p = this.runner.stream(command, args, {
      onLine: () => {},
      onStderrLine: () => {},
    });
    void p.done.then((exit) => {
      if (this[name] === p) {
        this[name] = null;
        this.log.warn({ exit }, `${name} ended`);
      }
    });
    return p;
  }

  private async startConntrackd(): Promise<void> {
    const conf = this.paths.conntrackdConfig;
    this.conntrackd = this.spawn('/usr/sbin/conntrackd', ['-C', conf], 'conntrackd');
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      if ((await this.runner.run('conntrackd', ['-C', conf, '-s'], { reject: false })).exitCode === 0) return;
      if (!this.conntrackd) break;
    }
    throw new Error('conntrackd did not start');
  }

  private startKeepalived(): void {
    const dir = this.paths.keepalivedConfig.replace(/\/keepalived\.conf$/, '');
    // A keepalived left by a server that was killed (SIGKILL) outlives it: end
    // it, and clear its pid files, or the new one refuses to start ("daemon is
    // already running", also over a stale file whose pid is in use again).
    for (const file of [`${dir}/keepalived.pid`, `${dir}/keepalived-vrrp.pid`]) {
      endOrphan(file, 'keepalived');
      rmSync(file, { force: true });
    }
    this.keepalived = this.spawn(
      '/usr/sbin/keepalived',
      [
        '--dont-fork',
        '--log-console',
        '--no-syslog',
        '--vrrp',
        '-f',
        this.paths.keepalivedConfig,
        '-p',
        `${dir}/keepalived.pid`,
        '-r',
        `${dir}/keepalived-vrrp.pid`,
      ],
      'keepalived',
    );
  }

  private async end(name: 'conntrackd' | 'keepalived'): Promise<void> {
    const p = this[name];
    this[name] = null;
    if (!p) return;
    p.kill('SIGTERM');
    const killed = setTimeout(() => p.kill('SIGKILL'), 5000);
    await p.done;
    clearTimeout(killed);
  }

  async stop(): Promise<void> {
    // keepalived first: it gives the virtual addresses up (priority 0) before the sync goes.
    await this.end('keepalived');
    await this.end('conntrackd');
  }
}

export function createHaEngines(
  mode: HaEngineMode,
  runner: Runner,
  dir: string,
  log: { warn(obj: object, msg: string): void },
): HaEngines | null {
  if (mode === 'systemd') return new SystemdEngines(runner);
  if (mode === 'process') return new ProcessEngines(runner, dir, log);
  return null;
}
