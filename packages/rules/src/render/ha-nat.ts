/**
 * Source NAT on a pair. One gateway masquerades (its own address is the only
 * one). A pair must not: masquerade picks the node's own address, so a flow
 * NATed by node A dies with node A. SNAT to the virtual address of that side
 * (the LAN one for forwarded servers' return path, the WAN one for LAN to
 * WAN) gives both nodes the same translation, which conntrackd replicates
 * and the new master holds the address of.
 */

import { vipAddress } from '../ha/schema.js';
import type { GatewayModel } from '../model.js';

export function sourceNat(model: Pick<GatewayModel, 'ha'>, side: 'wan' | 'lan'): string {
  return model.ha ? `snat ip to ${vipAddress(model.ha.vrrp[side])}` : 'masquerade';
}
