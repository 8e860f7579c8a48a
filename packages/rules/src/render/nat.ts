import type { GatewayModel } from '../model.js';
import { comment, ifnames } from './format.js';
import { sourceNat } from './ha-nat.js';
import { renderReflectionMasquerade } from './reflection.js';

export function renderMasquerade(model: GatewayModel): string[] {
  // Reflected flows first: they need it whatever forwardedServers says (render/reflection.ts).
  const lines: string[] = [...renderReflectionMasquerade(model)];
  if (model.masquerade.forwardedServers) {
    // Forwarded servers may have no route to the public side (the brief's
    // 192.168.1.2): rewriting the source to the gateway's LAN address makes
    // their replies come back through the gateway. `ct status dnat` limits it
    // to port-forwarded flows; FTP data flows inherit their NAT from the master.
    lines.push(
      `oifname ${ifnames(model.interfaces.lan)} ct status dnat ${sourceNat(model, 'lan')} ${comment('masquerade: forwarded servers see the gateway as peer')}`,
    );
  }
  if (model.masquerade.lanToWan) {
    lines.push(
      `oifname ${ifnames([model.interfaces.wan])} ${sourceNat(model, 'wan')} ${comment('masquerade: LAN to WAN')}`,
    );
  }
  return lines;
}
