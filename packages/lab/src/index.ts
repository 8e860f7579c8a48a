export {
  BANNER_PORT,
  DEFAULT_FTP_PORTS,
  LAB_ADDR,
  LAB_BANNER,
  LAB_FILES,
  LAB_IFACE,
  LAB_NET,
  PASV_PORT_RANGE,
} from './constants.js';
export type {
  FtpFetchOptions,
  FtpFetchResult,
  HeldPassive,
  HoldPassiveOptions,
  TcpBannerOptions,
  TcpBannerResult,
} from './ftp.js';
export { ftpFetch, holdPassive, parseHostPort, tcpBanner } from './ftp.js';
export type { FtpsFetchOptions, FtpsFetchResult, FtpsServer, FtpsServerOptions } from './ftps.js';
export { FTPS_PASV_PORT_RANGE, ftpsFetch, startFtpsServer } from './ftps.js';
export type { CreateLabOptions, ExecOptions, ExecResult, Lab, LabInfo, Where } from './lab.js';
export { attachLab, cleanupStale, createLab, labInfo, listLabNamespaces } from './lab.js';
export type { LanClient, LanClientOptions } from './lan-client.js';
export { addLanClient } from './lan-client.js';
export type { Netns, NetnsOptions } from './netns.js';
export { atProcessEnd, cleanupStaleNetns, createNetns, listNetns, NETNS_NAME_RE } from './netns.js';
export type { CreatePairLabOptions, PairLab, PairNode, PairWhere } from './pair.js';
export { createPairLab, PAIR_ADDR, PAIR_BIG_FILE, PAIR_IFACE, PAIR_PASV_RANGE } from './pair.js';
export type { PairPanels, PairPanelsOptions, PanelReply } from './pair-panels.js';
export { PAIR_NODE_NAMES, PAIR_PANEL_PORT, pairPanelModel, startPairPanels } from './pair-panels.js';
export type { TftpGetOptions, TftpGetResult, TftpServer, TftpServerOptions } from './tftp.js';
export { LAB_TFTP_FILES, startTftpServer, tftpGet } from './tftp.js';
export { waitForHttp } from './wait-http.js';
