/**
 * Bodies of the gateway-forward, gateway-settings and session-connection
 * routes. The parts of the model are the rules package's own schemas, so the
 * UI validates with exactly what the server validates with.
 */
import { ForwardFilter, GatewayForward, Interfaces, Masquerade, ReflectionPolicy } from '@gatehouse/rules/model';
import { z } from 'zod';

export { ForwardFilter, GatewayForward, Interfaces, Masquerade, ReflectionPolicy };

export const GatewayForwardList = z.object({ items: z.array(GatewayForward) });

/** The model's settings that are not lists: interface roles, masquerade, the forward filter, NAT reflection. */
export const GatewaySettings = z.object({
  interfaces: Interfaces,
  masquerade: Masquerade,
  filter: ForwardFilter,
  /** Optional: absent in a body leaves it as it is; absent in an answer means off. */
  reflection: ReflectionPolicy.optional(),
});

/** GET /session/connection: where the request asking arrived, as the lockout check sees it. */
export const SessionConnection = z.object({
  interface: z.string().nullable().describe('the gateway interface owning the local address (null: none found)'),
  localAddress: z.string(),
  localPort: z.number().int(),
  remoteAddress: z.string(),
  governed: z
    .boolean()
    .describe('false when the rules live in another namespace (GATEHOUSE_NETNS): they never act on this connection'),
});
