/**
 * What the pair looks like from this node: which VRRP instance this node is
 * MASTER of (it holds that virtual address: the ground truth keepalived
 * leaves in the kernel), conntrackd's sync statistics, and when this node
 * last became primary and sent its bulk update (the notify hook's log).
 * Nothing here changes anything.
 */
import { readFile } from 'node:fs/promises';
import { type GatewayModel, type InterfaceState, type Runner, vipAddress } from '@gatehouse/rules';
import type { PairStatusView, PeerStateView, VrrpInstanceState } from '../../schemas/pair.js';
import { parseConntrackdStats } from './conntrackd-stats.js';

export interface PairPaths {
  conntrackdConfig: string;
  notifyLog: string;
}

/** The notify hook's log lines: `<epoch seconds> <transition> <args> exit=<n>`. */
export function lastHookTimes(log: string): { lastPrimaryAt: string | null; lastBulkSyncAt: string | null } {
  let lastPrimaryAt: string | null = null;
  let lastBulkSyncAt: string | null = null;
  for (const line of log.split('\n')) {
    const m = /^(\d+(?:\.\d+)?) (primary|backup|fault) (.*) exit=(\d+)$/.exec(line.trim());
    if (!m) continue;
    const at = new Date(Number(m[1]) * 1000).toISOString();
    if (m[2] === 'primary' && m[3] === '-c') lastPrimaryAt = at;
    if (m[2] === 'primary' && m[3] === '-B' && m[4] === '0') lastBulkSyncAt = at;
  }
  return { lastPrimaryAt, lastBulkSyncAt };
}

export function vrrpStates(model: GatewayModel, interfaces: InterfaceState[]): VrrpInstanceState[] {
  if (!model.ha) return [];
  const ha = model.ha;
  const lan = model.interfaces.lan[0] ?? '';
  return (['wan', 'lan'] as const).map((name) => {
    const iface = name === 'wan' ? model.interfaces.wan : lan;
    const address = vipAddress(ha.vrrp[name]);
    const held = interfaces.some((i) => i.name === iface && i.addresses.some((a) => a.split('/')[0] === address));
    return { name, interface: iface, address, routerId: ha.vrrp[name].routerId, state: held ? 'master' : 'backup' };
  });
}

export async function pairStatus(
  model: GatewayModel | null,
  node: string | undefined,
  deps: {
    runner: Runner;
    interfaces: () => Promise<InterfaceState[]>;
    paths: PairPaths;
    /** The peer through GET /peer/state (services/ha/pair-apply.ts); absent: not asked (peerState null). */
    peerState?: () => Promise<PeerStateView | null>;
    /** Whether this node's keepalived is held down by a failover by hand (services/ha/failover.ts). */
    heldByHand?: () => boolean;
  },
): Promise<PairStatusView> {
  if (!model?.ha) return { configured: false };
  const names = model.ha.nodes.map((n) => n.name);
  const self = node && names.includes(node) ? node : null;
  const peer = self ? (names.find((n) => n !== self) ?? null) : null;
  const [interfaces, stats, log, peerState] = await Promise.all([
    deps.interfaces(),
    deps.runner.run('conntrackd', ['-C', deps.paths.conntrackdConfig, '-s'], { reject: false }),
    readFile(deps.paths.notifyLog, 'utf8').catch(() => ''),
    self && deps.peerState ? deps.peerState() : Promise.resolve(null),
  ]);
  return {
    configured: true,
    node: self,
    peer,
    instances: vrrpStates(model, interfaces),
    sync:
      stats.exitCode === 0
        ? { ok: true, stats: parseConntrackdStats(stats.stdout) }
        : { ok: false, error: (stats.stderr || stats.stdout).trim().split('\n').at(-1) ?? 'conntrackd did not answer' },
    ...lastHookTimes(log),
    degraded: peerState !== null && (!peerState.reachable || !peerState.inSync),
    peerState,
    heldByHand: deps.heldByHand?.() ?? false,
  };
}
