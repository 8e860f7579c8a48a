/**
 * The rulesets the data-path bench (datapath.mjs) loads into the lab
 * gateway, all into one table so that each load replaces the last:
 *
 * - generated: compile() of a model with n forwards, one of them the UDP echo
 *   forward the traffic goes through, the others filler forwards to other
 *   targets (UDP ports first, then TCP; every fourth to another port, like
 *   the other benches' forwards);
 * - rule per forward: the same forwards as one rule each, in the brief's
 *   hand-written style (`udp dport N dnat to A:P`, no counter, no interface
 *   match: the cheapest rule a person would write), the echo forward in the
 *   middle of the list, where a forward picked at random sits on average;
 * - FTP, full: the panel's ruleset with the helper, passive-only and filter
 *   policy drop;
 * - FTP, minimal: the least that lets the same passive transfer happen: one
 *   dnat rule for port 21, one masquerade, and the helper assigned to the
 *   control connection (without it the 227 reply names the server's private
 *   address and the data connection has no DNAT).
 */
import { compile, GatewayModel } from '../packages/rules/dist/index.js';

export const TABLE = 'gh_datapath';
export const ECHO_PORT = 7;
const SERVER = '192.168.1.2';
const head = `table ip ${TABLE}\ndelete table ip ${TABLE}\n`;

const echoForward = { id: 'echo', name: 'udp echo', protocol: 'udp', publicPorts: String(ECHO_PORT), target: SERVER };

/** n forwards: the echo forward in the middle, fillers on the other ports (udp first, then tcp). */
export function flowForwards(n) {
  const forwards = [];
  for (let i = 0, port = 0, protocol = 'udp'; forwards.length < n - 1; i++) {
    port++;
    if (port > 65535) {
      port = 1;
      protocol = 'tcp';
    }
    if (protocol === 'udp' && port === ECHO_PORT) continue;
    const f = {
      id: `f${i}`,
      name: `forward ${i}`,
      protocol,
      publicPorts: String(port),
      target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`,
    };
    if (i % 4 === 3) f.targetPort = port === 65535 ? 1 : port + 1;
    forwards.push(f);
  }
  forwards.splice(Math.floor(forwards.length / 2), 0, echoForward);
  return forwards;
}

const interfaces = { wan: 'eth0', lan: ['eth1'] };

export function generatedScript(n) {
  return compile(GatewayModel.parse({ table: TABLE, interfaces, forwards: flowForwards(n) }));
}

export function rulePerForwardScript(n) {
  const lines = [
    `table ip ${TABLE} {`,
    '\tchain prerouting {',
    '\t\ttype nat hook prerouting priority dstnat; policy accept;',
  ];
  for (const f of flowForwards(n)) {
    const to = f.targetPort !== undefined ? `${f.target}:${f.targetPort}` : f.target;
    lines.push(`\t\t${f.protocol} dport ${f.publicPorts} dnat to ${to}`);
  }
  lines.push('\t}', '\tchain postrouting {', '\t\ttype nat hook postrouting priority srcnat; policy accept;');
  lines.push('\t\toifname "eth1" ct status dnat masquerade', '\t}', '}', '');
  return head + lines.join('\n');
}

export function ftpFullScript() {
  return compile(
    GatewayModel.parse({
      table: TABLE,
      interfaces,
      forwards: [{ id: 'ftp', name: 'ftp', protocol: 'tcp', publicPorts: '21', target: SERVER }],
      ftp: { enabled: true, controlPorts: [21], servers: [SERVER], passiveOnly: true },
      filter: { policy: 'drop', allowLanToWan: true },
    }),
  );
}

export function ftpMinimalScript() {
  return `${head}table ip ${TABLE} {
\tct helper ftp-incoming {
\t\ttype "ftp" protocol tcp
\t\tl3proto ip
\t}
\tchain prerouting {
\t\ttype nat hook prerouting priority dstnat; policy accept;
\t\ttcp dport 21 dnat to ${SERVER}
\t}
\tchain postrouting {
\t\ttype nat hook postrouting priority srcnat; policy accept;
\t\toifname "eth1" masquerade
\t}
\tchain helpers {
\t\ttype filter hook prerouting priority 10; policy accept;
\t\ttcp dport 21 ct helper set "ftp-incoming"
\t}
}
`;
}
