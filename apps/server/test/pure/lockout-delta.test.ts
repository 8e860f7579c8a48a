/**
 * The one-forward lockout check (forwardChangeLockoutProblems, used by the
 * element-delta apply) against the whole check (lockoutProblems on both
 * whole models): for every one-forward change between valid models, the same
 * problems in the same words, so the delta path refuses and allows exactly
 * what the whole check does. Models are drawn around the panel's port (a
 * fixed seed): forwards over it or next to it, to the gateway itself, shifted,
 * source-limited, disabled; gateway forwards that redirect to the panel.
 */
import { type GatewayModel, type PortForward, validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { forwardChangeLockoutProblems, lockoutProblems, type OperatorConnection } from '../../src/services/lockout.js';

/** A small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GATEWAY_WAN = '192.0.2.2';
const GATEWAY_LAN = '192.168.1.1';
const localAddresses = [GATEWAY_WAN, GATEWAY_LAN, '127.0.0.1'];
const operators: Array<[string, OperatorConnection | null]> = [
  [
    'WAN, panel 8080',
    { interface: 'eth0', localPort: 8080, localAddress: GATEWAY_WAN, remoteAddress: '192.0.2.101', localAddresses },
  ],
  [
    'WAN, IPv4-mapped',
    {
      interface: 'eth0',
      localPort: 8080,
      localAddress: `::ffff:${GATEWAY_WAN}`,
      remoteAddress: '::ffff:198.51.100.7',
      localAddresses,
    },
  ],
  [
    'LAN, panel 8080',
    { interface: 'eth1', localPort: 8080, localAddress: GATEWAY_LAN, remoteAddress: '192.168.1.50', localAddresses },
  ],
  ['WAN, IPv6', { interface: 'eth0', localPort: 8080, localAddress: '2001:db8::2', remoteAddress: '2001:db8::9' }],
  ['not through this host', { interface: null, localPort: 8080, remoteAddress: '192.0.2.101' }],
  ['no operator', null],
];

type Pick = <T>(xs: readonly T[]) => T;

function forwardFor(id: string, pick: Pick, r: () => number): Record<string, unknown> {
  const f: Record<string, unknown> = {
    id,
    name: `forward ${id}`,
    publicPorts: pick(['8080', '8000-8100', '2222', '80', '443', '8443', '8079-8081', '9000', '8080,8443']),
    protocol: pick(['tcp', 'tcp', 'udp', 'both']),
    target: pick(['192.168.1.10', '192.168.1.11', GATEWAY_LAN, GATEWAY_WAN]),
  };
  if (r() < 0.3) f.targetPort = pick([8080, 22, 8081, 80]);
  if (r() < 0.3) f.allowedSources = pick([['192.0.2.0/24'], ['198.51.100.0/24'], ['192.0.2.101', '10.0.0.0/8']]);
  if (r() < 0.2) f.enabled = false;
  return f;
}

function settingsFor(pick: Pick, r: () => number): Record<string, unknown> {
  const gatewayForwards: Array<Record<string, unknown>> = [];
  if (r() < 0.5) {
    gatewayForwards.push({ id: 'g1', name: 'panel way in', publicPort: pick([2222, 8443, 9000]), localPort: 8080 });
  }
  if (r() < 0.5) gatewayForwards.push({ id: 'g2', name: 'ssh', publicPort: pick([2200, 8080]), localPort: 22 });
  return { interfaces: { wan: pick(['eth0', 'eth0', 'eth2']), lan: ['eth1'] }, gatewayForwards };
}

function valid(input: unknown): GatewayModel | null {
  const r = validateModel(input);
  return r.ok ? r.model : null;
}

/** One valid model and a valid one-forward change of it: create, update or delete. */
function draw(
  r: () => number,
):
  | { current: GatewayModel; next: GatewayModel; before: PortForward | undefined; after: PortForward | undefined }
  | undefined {
  const pick: Pick = (xs) => xs[Math.floor(r() * xs.length)] as (typeof xs)[number];
  const settings = settingsFor(pick, r);
  const forwards = Array.from({ length: Math.floor(r() * 4) }, (_, i) => forwardFor(`f${i}`, pick, r));
  const current = valid({ ...settings, forwards });
  if (!current) return undefined;
  const kind = current.forwards.length === 0 ? 'create' : pick(['create', 'update', 'delete'] as const);
  let nextForwards: unknown[];
  let id = 'new';
  if (kind === 'create') nextForwards = [...current.forwards, forwardFor(id, pick, r)];
  else {
    const at = Math.floor(r() * current.forwards.length);
    id = (current.forwards[at] as PortForward).id;
    nextForwards = current.forwards.slice();
    if (kind === 'delete') nextForwards.splice(at, 1);
    else nextForwards[at] = forwardFor(id, pick, r);
  }
  const next = valid({ ...current, forwards: nextForwards });
  if (!next) return undefined;
  const before = current.forwards.find((f) => f.id === id);
  const after = next.forwards.find((f) => f.id === id);
  return { current, next, before, after };
}

describe('forwardChangeLockoutProblems: the delta check is the whole check', () => {
  it('gives the same problems as lockoutProblems for every one-forward change (seeded, 2,000 valid changes)', () => {
    const r = rng(20240611);
    let changes = 0;
    let refused = 0;
    let allowed = 0;
    for (let tries = 0; changes < 2000 && tries < 200_000; tries++) {
      const d = draw(r);
      if (!d) continue;
      changes++;
      const { forwards: _, ...settings } = d.current;
      for (const [name, op] of operators) {
        const whole = lockoutProblems(d.next, d.current, op);
        const delta = forwardChangeLockoutProblems(settings, { before: d.before, after: d.after }, op);
        expect(delta, `${name}: ${JSON.stringify({ before: d.before, after: d.after, settings })}`).toEqual(whole);
        if (whole.length > 0) refused++;
        else allowed++;
      }
    }
    expect(changes).toBe(2000);
    // Both verdicts occur often enough for the comparison to mean something.
    expect(refused).toBeGreaterThan(150);
    expect(allowed).toBeGreaterThan(500);
  });

  it('refuses the changes the whole check refuses, naming the same object', () => {
    const settings = valid({
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      gatewayForwards: [{ id: 'panel-in', name: 'panel way in', publicPort: 2222, localPort: 8080 }],
    }) as GatewayModel;
    const { forwards: _, ...s } = settings;
    const op = operators[0]?.[1] as OperatorConnection;
    const f = (x: Record<string, unknown>) =>
      (valid({ ...settings, forwards: [{ id: 'x', name: 'x', target: '192.168.1.2', ...x }] }) as GatewayModel)
        .forwards[0] as PortForward;
    // A new forward over the panel port: refused, naming it.
    expect(forwardChangeLockoutProblems(s, { before: undefined, after: f({ publicPorts: '8080' }) }, op)).toEqual([
      expect.objectContaining({ object: { kind: 'forward', id: 'x' } }),
    ]);
    // Narrowing a forward to the gateway's own panel port to other sources: refused, as the whole check does.
    const carrier = f({ publicPorts: '8080', target: GATEWAY_WAN });
    const narrowed = f({ publicPorts: '8080', target: GATEWAY_LAN, targetPort: 22 });
    const whole = lockoutProblems({ ...settings, forwards: [narrowed] }, { ...settings, forwards: [carrier] }, op);
    expect(whole).toHaveLength(1);
    expect(forwardChangeLockoutProblems(s, { before: carrier, after: narrowed }, op)).toEqual(whole);
    // A forward elsewhere: allowed.
    expect(forwardChangeLockoutProblems(s, { before: undefined, after: f({ publicPorts: '80' }) }, op)).toEqual([]);
  });
});
