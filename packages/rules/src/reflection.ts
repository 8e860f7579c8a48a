/**
 * NAT reflection (hairpin NAT): a LAN client that connects to the gateway's
 * public address reaches the forwarded server, as OPNsense's "NAT
 * reflection" and OpenWrt's `reflection` option do. Global (`reflection:
 * { enabled }` at the model level) and per forward (`reflection: true|false`
 * on a forward overrides the global switch for it); off unless asked for.
 *
 * How the gateway knows its public address: `publicAddresses`, when given,
 * names them (static WAN addresses, or several). Left empty, the rules match
 * "an address of the gateway that is not on the LAN interface the client
 * came in on" (`fib daddr type local fib daddr . iif type != local`): that
 * follows a DHCP-assigned WAN address with no re-render, and never catches
 * the gateway's own LAN address (the panel's). The catch is a gateway with
 * several LAN interfaces: a client on one reaching the gateway's address on
 * another is reflected too; name the public addresses there. A `fib daddr
 * oifname "eth0"` test cannot do it: for a local address fib has no output
 * interface (checked on Linux 6.18), and `fib ... oif` needs the interface
 * to exist when the ruleset loads.
 *
 * model.ts imports this file (not the other way round): nothing here reads
 * model.ts's values at load time.
 */
import { z } from 'zod';
import { coded } from './issues.js';

export const ReflectionPolicy = z
  .object({
    /** Reflect every enabled forward (a forward's own `reflection: false` opts it out). */
    enabled: z.boolean().default(false),
    /** The gateway's public addresses; empty: any gateway address not on the client's LAN interface. */
    publicAddresses: z
      .array(
        z
          .ipv4({ error: 'expected an IPv4 address such as 192.168.1.2' })
          .max(15, { error: 'an IPv4 address is at most 15 characters', abort: true }),
      )
      .max(16, { error: 'at most 16 public addresses', abort: true })
      .default([])
      .superRefine((addresses, ctx) => {
        const seen = new Set<string>();
        addresses.forEach((address, i) => {
          if (seen.has(address)) {
            ctx.addIssue({
              code: 'custom',
              path: [i],
              message: `${address} is listed twice`,
              params: coded('reflection.address_twice', { address }),
            });
          }
          seen.add(address);
        });
      }),
  })
  .meta({
    description:
      'NAT reflection (hairpin): LAN clients connecting to the public address reach the forwarded servers ' +
      '(DNAT on the LAN interfaces, masquerade to the gateway LAN address, helpers assigned there too).',
  });

export type ReflectionPolicy = z.output<typeof ReflectionPolicy>;

/** The per-forward switch: unset follows the global one. */
export const ForwardReflection = z.boolean().optional().meta({
  description: 'NAT reflection for this forward: true or false overrides the global reflection switch.',
});

/** The fields reflection adds to a port forward (spread into PortForward's shape in model.ts). */
export interface ReflectionForwardView {
  enabled: boolean;
  reflection?: boolean | undefined;
}

export interface ReflectionModelView {
  reflection?: { enabled: boolean; publicAddresses: readonly string[] } | undefined;
  forwards: readonly ReflectionForwardView[];
}

/** Whether the global switch is on. */
export function reflectionGlobal(model: Pick<ReflectionModelView, 'reflection'>): boolean {
  return model.reflection?.enabled === true;
}

/** Whether a forward is reflected under the model's global switch. */
export function isReflected(model: Pick<ReflectionModelView, 'reflection'>, f: ReflectionForwardView): boolean {
  if (!f.enabled) return false;
  return reflectionGlobal(model) ? f.reflection !== false : f.reflection === true;
}

/** Whether any forward is reflected: only then does the ruleset hold reflection rules. */
export function reflectionInUse(model: ReflectionModelView): boolean {
  return model.forwards.some((f) => isReflected(model, f));
}

/**
 * Forwards whose set membership depends on their own flag: the ones that
 * opt in while the global switch is off, or out while it is on. A change
 * to such a forward is not a map-element delta (delta.ts).
 */
export function reflectionFlagMatters(
  model: Pick<ReflectionModelView, 'reflection'>,
  f: ReflectionForwardView | undefined,
): boolean {
  if (!f) return false;
  return reflectionGlobal(model) ? f.reflection === false : f.reflection === true;
}
