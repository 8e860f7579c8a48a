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
}

export function renderPersistence(model: GatewayModel, options: PersistenceOptions = {}): PersistedFile[] {
  const { nftIncludeDir = '/etc/nftables.d', modulesLoadDir = '/etc/modules-load.d', natFtp } = options;
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
  return files;
}
