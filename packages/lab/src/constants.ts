/** Addresses of the lab, exactly as in docs/ftp-behind-nat.md. */
export const LAB_ADDR = {
  client: '192.0.2.101',
  gatewayWan: '192.0.2.2',
  gatewayLan: '192.168.1.1',
  server: '192.168.1.2',
} as const;

/** Prefix lengths of the two lab networks. */
export const LAB_NET = {
  wan: '192.0.2.0/24',
  lan: '192.168.1.0/24',
} as const;

/** Interface names inside the gateway namespace (client and server only have `eth0`). */
export const LAB_IFACE = { wan: 'eth0', lan: 'eth1' } as const;

/** FTP control ports vsftpd listens on by default (one vsftpd instance per port). */
export const DEFAULT_FTP_PORTS: readonly number[] = [21, 2121];

/** Passive data port range configured in vsftpd (`pasv_min_port`/`pasv_max_port`). */
export const PASV_PORT_RANGE = { min: 30000, max: 30999 } as const;

/** Files served (read-only, anonymous) from the FTP root, with their exact content. */
export const LAB_FILES = {
  'hello.txt': 'Hello from the Gatehouse lab FTP server.\n',
  'readme.txt': 'This directory is served read-only to anonymous users.\nSecond line.\n',
} as const satisfies Record<string, string>;

/** ssh stand-ins: TCP services on port 22 that send one banner line on connect, then echo. */
export const LAB_BANNER = {
  server: 'SSH-2.0-lab-server',
  gateway: 'SSH-2.0-lab-gateway',
} as const;

/** Port of the ssh stand-in banner services (server 192.168.1.2:22, gateway 0.0.0.0:22). */
export const BANNER_PORT = 22;

/** Namespace names are `gh-<owner pid>-<4 hex>-{client,gw,srv}`. */
export const NS_NAME_RE = /^gh-(\d+)-([0-9a-f]{4})-(client|gw|srv)$/;

/** Per-lab temp directories are `<tmpdir>/gatehouse-lab-gh-<owner pid>-<4 hex>`. */
export const TMP_DIR_RE = /^gatehouse-lab-gh-(\d+)-([0-9a-f]{4})$/;
