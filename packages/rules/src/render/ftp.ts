/**
 * FTP's own parts: its helper is the family's first member (render/helpers.ts);
 * passive-only, a policy on helper-related data connections, is FTP's alone.
 */
import { HELPER_KIND_SPECS } from '../helper-kinds.js';
import type { GatewayModel } from '../model.js';
import { comment, ifnames } from './format.js';
import { helperServers, renderHelperObject, renderHelperRules } from './helpers.js';

export const FTP_HELPER_OBJECT = HELPER_KIND_SPECS.ftp.objectName;

/** Servers the helper inspects: the configured ones, or every server a forward exposes a control port on. */
export function ftpHelperServers(model: GatewayModel): string[] {
  return helperServers(model, 'ftp');
}

export function renderFtpHelperObject(): string[] {
  return renderHelperObject('ftp');
}

/** The FTP helper assignment (see render/helpers.ts for why it sits where it does). */
export function renderFtpHelperRules(model: GatewayModel): string[] {
  return renderHelperRules(model, 'ftp');
}

/**
 * Passive-only: the brief's four related-state rules. Passive data flows go
 * from the client (WAN, ephemeral source port) to the server (LAN); active
 * ones come back from the server, so they are the helper-related flows that
 * do not match the first rule. Other related traffic (ICMP errors) stays
 * accepted.
 */
export function renderPassiveOnly(model: GatewayModel): string[] {
  const wan = ifnames([model.interfaces.wan]);
  const lan = ifnames(model.interfaces.lan);
  return [
    `ct state established accept ${comment('ftp passive-only: established flows')}`,
    `ct state related ct helper "ftp" iifname ${wan} oifname ${lan} tcp sport 1024-65535 accept ${comment('ftp passive-only: passive data connections')}`,
    `ct state related ct helper "ftp" counter drop ${comment('ftp passive-only: active data connections are refused')}`,
    `ct state related accept ${comment('ftp passive-only: other related traffic such as ICMP errors')}`,
  ];
}
