/**
 * FTPS forwards and NAT reflection (en): the forward form's FTPS and
 * reflection fields and the Gateway page's reflection switch. Spread into
 * en.ts like messages-en.ts.
 */
export const ftpsReflectionEn = {
  ftpsReflection: {
    ftps: 'FTPS (encrypted control channel)',
    tagFtps: 'FTPS, passive {{range}}',
    tagReflectionOn: 'reflection on',
    tagReflectionOff: 'reflection off',
    ftpsHelp:
      'The FTP helper cannot read an encrypted control channel, so it cannot open the data connections. Gatehouse forwards the server’s passive port range instead, to the same server on the same ports. Passive-only cannot be used while this forward is enabled.',
    passivePorts: 'Server’s passive ports',
    passivePortsHelp:
      'The one range the FTP server opens for data connections, e.g. 40000-40009 (vsftpd pasv_min_port and pasv_max_port, proftpd PassivePorts, pure-ftpd -p). The server must announce the gateway’s public address itself, as nothing can rewrite it under TLS: vsftpd pasv_address=<public address>, proftpd MasqueradeAddress <public address>, pure-ftpd -P <public address>.',
    reflection: 'NAT reflection',
    reflectionHelp: 'LAN clients that connect to the gateway’s public address reach this forward (hairpin NAT).',
    reflectionDefault: 'As the gateway setting',
    reflectionOn: 'On for this forward',
    reflectionOff: 'Off for this forward',
    global: {
      title: 'NAT reflection (hairpin)',
      enabled: 'LAN clients reach the forwards at the public address',
      enabledHelp:
        'A machine on the LAN that connects to the gateway’s public address reaches the forwarded server, FTP included, as a client on the internet would. The gateway then also masquerades those connections to its LAN address, so the server answers through it. A forward can opt out (or in, while this is off).',
      publicAddresses: 'Public addresses',
      publicAddressesHelp:
        'Empty: any address of the gateway that is not on the LAN interface the client uses (follows a DHCP address). With several LAN interfaces, name the public addresses, separated by commas or spaces.',
      save: 'Save NAT reflection',
    },
  },
};
