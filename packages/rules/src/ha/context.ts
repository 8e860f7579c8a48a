/**
 * What the engine configs need beyond the model's `ha` section: which node
 * of the pair a config is for, the interfaces it binds, and where the engine
 * files live (a real gateway uses the Debian defaults; the lab runs two of
 * each daemon on one host, so every path is per node).
 */
import type { HaNode, HaSection } from './schema.js';

export interface HaPaths {
  /** Run by keepalived on a transition, with one argument: primary, backup or fault. */
  notify: string;
  conntrackdConfig: string;
  conntrackdSocket: string;
  conntrackdLock: string;
  /** conntrackd's log file; omitted: syslog. */
  conntrackdLog?: string;
}

export interface HaNodeContext {
  /** The node this config is for: one of the section's node names. */
  node: string;
  /** The model's interfaces: the WAN virtual address sits on `wan`, the LAN one on the first LAN interface. */
  interfaces: { wan: string; lan: readonly string[] };
  paths: HaPaths;
  /** The node's own addresses (not the virtual ones): its flows (the panel's, the node's own) are not synced. */
  ownAddresses?: readonly string[];
}

/** Debian's paths for a real gateway. */
export const DEBIAN_HA_PATHS: HaPaths = {
  notify: '/usr/lib/gatehouse/ha-notify',
  conntrackdConfig: '/etc/conntrackd/conntrackd.conf',
  conntrackdSocket: '/var/run/conntrackd.ctl',
  conntrackdLock: '/var/lock/conntrack.lock',
};

/** This node and its peer, or an error naming the unknown node. */
export function nodesOf(ha: HaSection, name: string): { self: HaNode; peer: HaNode } {
  const [a, b] = ha.nodes;
  if (a.name === name) return { self: a, peer: b };
  if (b.name === name) return { self: b, peer: a };
  throw new Error(`"${name}" is not a node of the pair (${a.name}, ${b.name})`);
}

/** Paths and arguments go into configs unquoted or double-quoted: refuse what would break either. */
export function safeConfigWord(text: string, what: string): string {
  if (!/^[A-Za-z0-9_./@:+-]+$/.test(text)) throw new Error(`${what} ${JSON.stringify(text)} is not a plain path`);
  return text;
}
