/**
 * FTP data connections across a failover (pair only). The FTP NAT helper
 * gives each expectation a NAT function (follow the master's NAT), and
 * conntrackd does replicate the expectation to the peer, but measured in the
 * pair lab (conntrack-tools 1.4.7, Linux 6.x) the copy committed on the new
 * master carries no NAT: a passive data connection that arrives there is
 * related to its control connection, and then delivered to the gateway
 * itself (connection refused) instead of the server.
 *
 * So on a pair the ruleset carries the NAT itself: a forwarded FTP control
 * connection is marked with its server's address (ct mark; a related
 * connection inherits its master's mark, and conntrackd replicates marks),
 * and a related FTP connection that arrives with no NAT is DNATed to the
 * server its mark names, on the same port (the helper keeps the server's
 * passive port unless another expectation holds it). Where the helper did
 * its own NAT (on the node that saw the PASV), NAT is already set up and
 * these rules are never reached.
 */
import type { GatewayModel } from '../model.js';
import { comment, ifnames } from './format.js';
import { helperServers } from './helpers.js';

export const PAIR_FTP_CHAINS = { marks: 'ha_ftp_marks', data: 'ha_ftp_data' } as const;

/** An IPv4 address as the 32-bit mark nft prints (0xc0a80102 for 192.168.1.2). */
export function addressMark(address: string): string {
  const n = address.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
  return `0x${n.toString(16).padStart(8, '0')}`;
}

export function renderPairFtpChains(
  model: GatewayModel,
  chain: (name: string, hook: string[], rules: string[]) => string[],
): string[] {
  if (!model.ha || !model.ftp.enabled) return [];
  const servers = helperServers(model, 'ftp');
  if (servers.length === 0) return [];
  const wan = ifnames([model.interfaces.wan]);
  const ports = [...model.ftp.controlPorts].sort((a, b) => a - b);
  const keys = servers.flatMap((s) => ports.map((p) => `${s} . ${p}`));
  const set = (items: string[]) => `{ ${items.join(', ')} }`;
  return [
    '',
    ...chain(
      PAIR_FTP_CHAINS.marks,
      // After conntrack, DNAT and the helper assignment (priority 10): the address is the server's.
      ['type filter hook prerouting priority 11; policy accept;'],
      [
        `iifname ${wan} ct state new ip daddr . tcp dport ${set(keys)} ct mark set ip daddr map ${set(servers.map((s) => `${s} : ${addressMark(s)}`))} ${comment('ha: an FTP control connection remembers its server')}`,
      ],
    ),
    '',
    ...chain(
      PAIR_FTP_CHAINS.data,
      // Just after the forwards' DNAT (dstnat): reached only by a connection no NAT has been set up for.
      ['type nat hook prerouting priority dstnat + 1; policy accept;'],
      [
        `iifname ${wan} ct state related ct helper "ftp" dnat ip to ct mark map ${set(servers.map((s) => `${addressMark(s)} : ${s}`))} ${comment('ha: an FTP data connection goes to its control connection’s server')}`,
      ],
    ),
  ];
}
