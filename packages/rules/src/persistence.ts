/**
 * The files a gateway needs to come back the same after a reboot, rendered
 * but not written (the server writes them on a confirmed apply). The nft file
 * is an include for the system's nftables service, never a replacement for
 * the operator's /etc/nftables.conf; the script is safe to load at boot
 * because it declares our table before deleting it.
 */
import { compile } from './compile.js';
import type { ModuleState } from './kernel.js';
import type { GatewayModel } from './model.js';

export interface PersistedFile {
  path: string;
  content: string;
  mode: number;
  why: string;
}

export interface PersistenceOptions {
  nftIncludeDir?: string;
  modulesLoadDir?: string;
  /** Where nf_nat_ftp stands on this kernel; a built-in module needs no load entry. */
  natFtp?: ModuleState | null;
  /** Where nf_nat_tftp stands (the TFTP helper's NAT part); built in: no load entry. */
  natTftp?: ModuleState | null;
  /**
   * Also persist per-flow packet/byte counters and start timestamps (the
   * panel's Connections columns), which the server turns on at start.
   */
  conntrackAccounting?: boolean;
  sysctlDir?: string;
}

/** The sysctls the panel turns on for its Connections columns (packets, bytes, age). */
export const CONNTRACK_ACCOUNTING_SYSCTLS = ['net.netfilter.nf_conntrack_acct', 'net.netfilter.nf_conntrack_timestamp'];

export function renderPersistence(model: GatewayModel, options: PersistenceOptions = {}): PersistedFile[] {
  const {
    nftIncludeDir = '/etc/nftables.d',
    modulesLoadDir = '/etc/modules-load.d',
    sysctlDir = '/etc/sysctl.d',
    natFtp,
    natTftp,
  } = options;
  const files: PersistedFile[] = [
    {
      path: `${nftIncludeDir}/gatehouse.nft`,
      content: compile(model),
      mode: 0o600,
      why: `include "${nftIncludeDir}/*.nft" from /etc/nftables.conf loads the gateway's table at boot`,
    },
  ];
  if (model.ftp.enabled && natFtp?.state !== 'builtin') {
    files.push({
      path: `${modulesLoadDir}/gatehouse-ftp.conf`,
      content:
        '# Gatehouse: the FTP helper rewrites addresses in FTP commands only with nf_nat_ftp loaded.\nnf_nat_ftp\n',
      mode: 0o644,
      why: 'nf_conntrack_ftp loads with the ct helper object; nf_nat_ftp does not',
    });
  }
  if (model.tftp.enabled && natTftp?.state !== 'builtin') {
    files.push({
      path: `${modulesLoadDir}/gatehouse-tftp.conf`,
      content:
        '# Gatehouse: a TFTP server answers from a new port; it reaches the client through NAT only with nf_nat_tftp loaded.\nnf_nat_tftp\n',
      mode: 0o644,
      why: 'nf_conntrack_tftp loads with the ct helper object; nf_nat_tftp is loaded by the panel and kept here',
    });
  }
  if (options.conntrackAccounting) {
    files.push(
      {
        path: `${modulesLoadDir}/gatehouse-conntrack.conf`,
        content:
          '# Gatehouse: net.netfilter.nf_conntrack_* sysctls exist only once nf_conntrack is loaded,\n' +
          '# and systemd-sysctl runs after systemd-modules-load.\nnf_conntrack\n',
        mode: 0o644,
        why: 'the accounting sysctls below exist only with nf_conntrack loaded',
      },
      {
        path: `${sysctlDir}/90-gatehouse-conntrack.conf`,
        content: `# Gatehouse: per-flow packet/byte counters and start times (the Connections page's columns).\n${CONNTRACK_ACCOUNTING_SYSCTLS.map((k) => `${k} = 1\n`).join('')}`,
        mode: 0o644,
        why: 'the server turns these on at start; at boot they are on before any flow is tracked',
      },
    );
  }
  return files;
}
