/**
 * Runs the pair's engines in the pair lab, as Gatehouse runs them in the lab
 * and the demo: keepalived and (optionally) conntrackd as processes in each
 * gateway namespace, on the configs and the notify script the rules package
 * generates, with every path per node (both run on one host).
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PAIR_ADDR, type PairLab, type PairNode } from '@gatehouse/lab';
import {
  type GatewayModel,
  type HaNodeContext,
  renderConntrackdConf,
  renderKeepalivedConf,
  renderNotifyScript,
} from '../../src/index.js';

export const NODE_NAME: Record<PairNode, string> = { gwA: 'gw-a', gwB: 'gw-b' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function nodeContext(lab: PairLab, model: GatewayModel, node: PairNode): HaNodeContext {
  const dir = lab.dir;
  return {
    node: NODE_NAME[node],
    interfaces: model.interfaces,
    paths: {
      notify: join(dir, `ha-notify-${node}`),
      conntrackdConfig: join(dir, `conntrackd-${node}.conf`),
      conntrackdSocket: join(dir, `conntrackd-${node}.ctl`),
      conntrackdLock: join(dir, `conntrackd-${node}.lock`),
      conntrackdLog: join(dir, `conntrackd-${node}.log`),
    },
    ownAddresses: [PAIR_ADDR[node].wan, PAIR_ADDR[node].lan],
  };
}

export interface PairEngines {
  /**
   * Waits until `node` holds the WAN virtual address and, with sync, its
   * notify hook has committed the peer's flows (the last primary step ran).
   */
  waitMaster(node: PairNode, timeoutMs?: number, wanVip?: string): Promise<void>;
  /** Stops keepalived on a node (as a crash: SIGKILL, so it sends no priority-0 advert). */
  killKeepalived(node: PairNode): void;
  /** Ends every engine process and removes the virtual addresses. */
  stop(): Promise<void>;
  notifyLog(node: PairNode): string;
}

let starts = 0;

export async function startPairEngines(
  lab: PairLab,
  model: GatewayModel,
  opts: { sync: boolean },
): Promise<PairEngines> {
  if (!model.ha) throw new Error('the model has no ha section');
  const ha = model.ha;
  const procs: Record<PairNode, ReturnType<PairLab['spawn']>[]> = { gwA: [], gwB: [] };
  const keepalived: Partial<Record<PairNode, ReturnType<PairLab['spawn']>>> = {};
  const exited: Partial<Record<PairNode, string>> = {};
  const run = ++starts;
  const logs: Record<PairNode, string> = { gwA: join(lab.dir, 'notify-gwA.log'), gwB: join(lab.dir, 'notify-gwB.log') };
  for (const node of ['gwA', 'gwB'] as const) {
    const ctx = nodeContext(lab, model, node);
    writeFileSync(ctx.paths.conntrackdConfig, renderConntrackdConf(ha, ctx));
    writeFileSync(ctx.paths.notify, renderNotifyScript(ctx.paths.conntrackdConfig, logs[node]));
    writeFileSync(logs[node], '');
    chmodSync(ctx.paths.notify, 0o755);
    if (opts.sync) {
      procs[node].push(
        lab.spawn(node, '/usr/sbin/conntrackd', ['-C', ctx.paths.conntrackdConfig], { stdin: 'ignore' }),
      );
      let up = false;
      for (let i = 0; i < 50 && !up; i++) {
        await sleep(100);
        up =
          (await lab.exec(node, 'conntrackd', ['-C', ctx.paths.conntrackdConfig, '-s'], { reject: false })).exitCode ===
          0;
      }
      if (!up) throw new Error(`conntrackd did not start on ${node}`);
    }
  }
  for (const node of ['gwA', 'gwB'] as const) {
    const ctx = nodeContext(lab, model, node);
    const conf = join(lab.dir, `keepalived-${node}.conf`);
    writeFileSync(conf, renderKeepalivedConf(ha, ctx));
    const p = lab.spawn(
      node,
      '/usr/sbin/keepalived',
      [
        '--dont-fork',
        '--log-console',
        '--no-syslog',
        '--vrrp',
        '-f',
        conf,
        // Pid files of their own per start: keepalived refuses to start ("daemon is
        // already running") over a pid file of a killed one whose pid is in use again.
        '-p',
        join(lab.dir, `keepalived-${node}-${run}.pid`),
        '-r',
        join(lab.dir, `keepalived-vrrp-${node}-${run}.pid`),
      ],
      { stdin: 'ignore', all: true },
    );
    keepalived[node] = p;
    void p.then((r) => {
      exited[node] = `keepalived exited ${r.exitCode ?? r.signal}: ${String(r.all ?? '').slice(-1500)}`;
    });
    procs[node].push(p);
  }
  const holdsVip = async (node: PairNode, vip: string) => {
    const r = await lab.exec(node, 'ip', ['-4', '-o', 'addr', 'show', 'dev', model.interfaces.wan], { reject: false });
    return r.stdout.includes(` ${vip}/`);
  };
  return {
    async waitMaster(node, timeoutMs = 15_000, wanVip: string = PAIR_ADDR.wanVip) {
      const end = Date.now() + timeoutMs;
      while (Date.now() < end) {
        // The hook's last line is the end of a primary transition (not an earlier one's).
        const last = readFileSync(logs[node], 'utf8').trim().split('\n').at(-1) ?? '';
        const committed = !opts.sync || last.includes(' primary -B exit=');
        if (committed && (await holdsVip(node, wanVip))) return;
        await sleep(100);
      }
      const seen = await Promise.all(
        (['gwA', 'gwB'] as const).map(async (n) => {
          const addrs = await lab.exec(n, 'ip', ['-4', '-o', 'addr'], { reject: false });
          return `${n}: ${addrs.stdout.replace(/\s+/g, ' ')}\n${n} notify: ${readFileSync(logs[n], 'utf8')}\n${exited[n] ?? ''}`;
        }),
      );
      throw new Error(`${node} did not take the virtual addresses within ${timeoutMs} ms:\n${seen.join('\n')}`);
    },
    killKeepalived(node) {
      // keepalived's VRRP child holds the addresses; kill the whole process group it runs in.
      void lab.exec(node, 'pkill', ['-KILL', '-x', 'keepalived'], { reject: false });
      keepalived[node]?.kill('SIGKILL');
    },
    async stop() {
      for (const node of ['gwA', 'gwB'] as const) {
        for (const p of procs[node]) p.kill('SIGTERM');
        await Promise.race([Promise.allSettled(procs[node]), sleep(3000)]);
        for (const p of procs[node]) p.kill('SIGKILL');
        await lab.exec(node, 'pkill', ['-KILL', '-x', 'keepalived'], { reject: false });
        for (const [iface, vip] of [
          [model.interfaces.wan, ha.vrrp.wan.address],
          [model.interfaces.lan[0] ?? '', ha.vrrp.lan.address],
        ] as const) {
          await lab.exec(node, 'ip', ['addr', 'del', vip, 'dev', iface], { reject: false });
        }
        await lab.exec(node, 'conntrack', ['-F'], { reject: false });
        await lab.exec(node, 'conntrack', ['-F', 'expect'], { reject: false });
      }
    },
    notifyLog(node) {
      return readFileSync(logs[node], 'utf8');
    },
  };
}
