/**
 * Lockout: the operator's own connection reaches the panel under what the
 * kernel holds now, and would not under the candidate model. Nothing here
 * knows about kinds of objects: both models go through fateOf(), which walks
 * what the ruleset does, so a forward over the panel port, a redirect of it,
 * a narrowed or removed gateway forward and a WAN rename or swap are all the
 * same question.
 *
 * The socket shows the destination after NAT (the panel's port). The port
 * the operator actually dialled is that one, or the public port of a current
 * gateway forward redirecting to it; every such way in that works now must
 * still work (conservative: which one this connection used is not known).
 */
import type { GatewayModel, PortForward } from '@gatehouse/rules';
import { type ActingObject, type Fate, fateOf, type NewConnection } from './fate.js';
import { unmap } from './ipv4.js';

export interface OperatorConnection {
  /** Interface the request arrived on (in this process's namespace). */
  interface: string | null;
  /** The panel's port as the socket sees it (after any redirect). */
  localPort: number;
  /** The panel's address as the socket sees it. */
  localAddress?: string;
  remoteAddress: string;
  /** The gateway's own addresses. */
  localAddresses?: readonly string[];
  /** The addresses on `interface`. */
  interfaceAddresses?: readonly string[];
}

export interface LockoutProblem {
  reason: string;
  object?: { kind: 'forward' | 'gateway-forward' | 'interfaces'; id: string };
}

function reachesPanel(f: Fate, panelPort: number): boolean {
  return f.kind === 'local' && f.port === panelPort;
}

function describe(f: Fate, c: NewConnection): string {
  if (f.kind === 'dnat') return `sends it to ${f.address}:${f.port}`;
  if (f.by) return `redirects it to the gateway's port ${f.port}`;
  return `delivers it to the gateway's port ${c.dport}, where the panel is not`;
}

function objectOf(o: ActingObject): { kind: 'forward' | 'gateway-forward'; id: string } {
  return { kind: o.kind, id: o.id };
}

/** The one problem for one way in, naming what is responsible. */
function problemFor(
  c: NewConnection,
  now: Fate,
  next: Fate,
  current: GatewayModel | null,
  candidate: GatewayModel,
): LockoutProblem {
  const way = `your connection (TCP from ${unmap(c.saddr)} to port ${c.dport} on ${c.iif})`;
  const wanChanged = current !== null && current.interfaces.wan !== candidate.interfaces.wan;
  if (wanChanged && (current.interfaces.wan === c.iif || candidate.interfaces.wan === c.iif)) {
    const role = candidate.interfaces.wan === c.iif ? 'the WAN interface' : 'no longer the WAN interface';
    const acting = next.by ?? now.by;
    return {
      reason: `making ${c.iif} ${role} changes what happens to ${way}: ${
        acting ? `${acting.kind} "${acting.name}" ` : ''
      }${describe(next, c)}`,
      object: { kind: 'interfaces', id: 'wan' },
    };
  }
  if (next.by) {
    return {
      reason: `${next.by.kind} "${next.by.name}" ${describe(next, c)}: ${way} would no longer reach the panel on port ${
        now.kind === 'local' ? now.port : c.dport
      }`,
      object: objectOf(next.by),
    };
  }
  const was = now.by as ActingObject; // it reached the panel through an object that no longer acts on it
  return {
    reason: `${was.kind} "${was.name}" carries ${way} to the panel; this apply removes, disables or narrows it, so the connection would be ${describe(next, c).replace(/^delivers/, 'delivered')}`,
    object: objectOf(was),
  };
}

export function lockoutProblems(
  candidate: GatewayModel,
  current: GatewayModel | null,
  op: OperatorConnection | null,
): LockoutProblem[] {
  if (!op?.interface) return [];
  const panelPort = op.localPort;
  const ports = new Set<number>([panelPort]);
  for (const g of current?.gatewayForwards ?? []) if (g.enabled && g.localPort === panelPort) ports.add(g.publicPort);
  const problems: LockoutProblem[] = [];
  for (const dport of ports) {
    const c: NewConnection = {
      iif: op.interface,
      saddr: op.remoteAddress,
      daddr: op.localAddress ?? op.localAddresses?.[0] ?? '0.0.0.0',
      dport,
      proto: 'tcp',
      localAddresses: op.localAddresses ?? [],
      iifAddresses: op.interfaceAddresses ?? [],
    };
    const now = fateOf(current, c);
    if (!reachesPanel(now, panelPort)) continue;
    const next = fateOf(candidate, c);
    if (reachesPanel(next, panelPort)) continue;
    problems.push(problemFor(c, now, next, current, candidate));
  }
  return problems;
}

/**
 * lockoutProblems() for a one-forward change to the model the kernel holds,
 * without walking either model's forwards: `settings` are both models' (a
 * forward change changes nothing else), `change` the forward before and after
 * (undefined: absent). Same problems as the whole check on valid models, in
 * time independent of the number of forwards: enabled forwards never share a
 * protocol and public port (GatewayModel refuses it, whatever their sources),
 * so at most one forward of a model matches a connection. A connection that
 * `before` or `after` covers is matched by no other forward of either model;
 * one neither covers meets the same untouched forward (or none) in both, so
 * its fate does not change. Each model with just its version of the changed
 * forward therefore gives every way in the same verdict and the same words.
 */
export function forwardChangeLockoutProblems(
  settings: Omit<GatewayModel, 'forwards'>,
  change: { before: PortForward | undefined; after: PortForward | undefined },
  op: OperatorConnection | null,
): LockoutProblem[] {
  if (!op?.interface) return [];
  const only = (f: PortForward | undefined): GatewayModel => ({ ...settings, forwards: f ? [f] : [] });
  return lockoutProblems(only(change.after), only(change.before), op);
}
