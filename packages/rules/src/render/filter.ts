import type { GatewayModel } from '../model.js';
import { comment, ifnames } from './format.js';
import { renderPassiveOnly } from './ftp.js';
import { renderReflectionFilterRules } from './reflection.js';

/** Whether the forward filter chain is needed at all (accept with no passive-only needs none). */
export function needsForwardFilter(model: GatewayModel): boolean {
  return model.filter.policy === 'drop' || (model.ftp.enabled && model.ftp.passiveOnly);
}

export function renderForwardFilterRules(model: GatewayModel): string[] {
  const wan = ifnames([model.interfaces.wan]);
  const lan = ifnames(model.interfaces.lan);
  const lines = [
    ...renderReflectionFilterRules(model), // NAT reflection's LAN-to-LAN flows first (render/reflection.ts)
    ...(model.ftp.enabled && model.ftp.passiveOnly
      ? renderPassiveOnly(model)
      : [`ct state established,related accept ${comment('filter: established and related flows')}`]),
  ];
  if (model.filter.policy === 'drop') {
    lines.push(
      `iifname ${wan} oifname ${lan} ct state new ct status dnat accept ${comment('filter: port-forwarded connections')}`,
    );
    if (model.filter.allowLanToWan) {
      lines.push(`iifname ${lan} oifname ${wan} accept ${comment('filter: LAN to WAN')}`);
    }
  }
  return lines;
}
