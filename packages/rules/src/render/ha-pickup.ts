/**
 * A pair's virtual addresses in the moment they move (pair only). keepalived
 * puts the addresses on the new master and only then runs the notify hook,
 * whose `conntrackd -c` commits the peer's flows into the kernel. A packet of
 * a flow in progress that arrives in between (the server's next data
 * segment to the LAN virtual address, the client's next ACK to the WAN one)
 * finds no flow: the kernel picks it up as a new one addressed to the node
 * itself and answers with a reset, and the transfer is dead although its
 * flow is committed a moment later. Seen in the pair lab as a failback that
 * stalled its download now and then (ha-failover.test.ts).
 *
 * So a TCP packet to a virtual address that is not a connection's first
 * (SYN) and belongs to no known flow is dropped, not answered: the sender
 * retransmits, and by then the flow is committed. Only the virtual
 * addresses: the node's own addresses (its panel, ssh to it) behave as on
 * one gateway.
 */
import { vipAddress } from '../ha/schema.js';
import type { GatewayModel } from '../model.js';
import { comment } from './format.js';

export const PAIR_PICKUP_CHAIN = 'ha_pickup';

export function renderPairPickupChain(
  model: GatewayModel,
  chain: (name: string, hook: string[], rules: string[]) => string[],
): string[] {
  if (!model.ha) return [];
  const vips = [vipAddress(model.ha.vrrp.wan), vipAddress(model.ha.vrrp.lan)];
  return [
    '',
    ...chain(
      PAIR_PICKUP_CHAIN,
      ['type filter hook input priority filter; policy accept;'],
      [
        `ip daddr { ${vips.join(', ')} } tcp flags & (fin | syn | rst | ack) != syn ct state { new, invalid } drop ${comment('ha: a mid-flow packet to a virtual address whose flow is not committed yet is dropped, not reset')}`,
      ],
    ),
  ];
}
