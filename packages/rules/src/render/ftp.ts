import { type GatewayModel, targetRanges } from '../model.js';
import { containsPort } from '../ports.js';
import { anonSet, comment, compareIpv4, ifnames, q } from './format.js';

export const FTP_HELPER_OBJECT = 'ftp-incoming';

/** Servers the helper inspects: the configured ones, or every server a forward exposes a control port on. */
export function ftpHelperServers(model: GatewayModel): string[] {
  const { ftp } = model;
  if (ftp.servers.length > 0) return [...new Set(ftp.servers)].sort(compareIpv4);
  const servers = new Set<string>();
  for (const f of model.forwards) {
    if (!f.enabled || f.protocol === 'udp') continue;
    const ranges = targetRanges(f);
    if (ftp.controlPorts.some((p) => containsPort(ranges, p))) servers.add(f.target);
  }
  return [...servers].sort(compareIpv4);
}

export function renderFtpHelperObject(): string[] {
  return [`ct helper ${FTP_HELPER_OBJECT} {`, '\ttype "ftp" protocol tcp', '\tl3proto ip', '}'];
}

/**
 * The helper assignment. It must run after the conntrack lookup (priority
 * -200) and after destination NAT (priority -100), so that it can match the
 * translated server address and port: a filter chain at prerouting priority
 * 10 is safe on every kernel. The ct helper object has to live in this same
 * table. Since Linux 4.7 nothing is assigned automatically, and we never use
 * the legacy global nf_conntrack_helper sysctl.
 */
export function renderFtpHelperRules(model: GatewayModel): string[] {
  const servers = ftpHelperServers(model);
  if (servers.length === 0) return [];
  const ports = [...model.ftp.controlPorts].sort((a, b) => a - b).map(String);
  return [
    `iifname ${ifnames([model.interfaces.wan])} ip daddr ${anonSet(servers)} tcp dport ${anonSet(ports)} ct helper set ${q(FTP_HELPER_OBJECT)} ${comment('ftp helper: inspect control connections')}`,
  ];
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
    `ct state related ct helper "ftp" drop ${comment('ftp passive-only: active data connections are refused')}`,
    `ct state related accept ${comment('ftp passive-only: other related traffic such as ICMP errors')}`,
  ];
}
