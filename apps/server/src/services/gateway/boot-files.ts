/**
 * Boot-time files (an nft include, a modules-load.d entry), written only
 * where the operator configured a directory, so a reboot loads the last
 * confirmed state.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  type GatewayModel,
  HELPER_KIND_SPECS,
  type ModuleState,
  NAT_FTP_MODULE,
  probeModule,
  renderPersistence,
} from '@gatehouse/rules';
import type { GatewayLogger } from './types.js';

export interface BootFileDirs {
  nftIncludeDir?: string | undefined;
  modulesLoadDir?: string | undefined;
}

export class BootFiles {
  constructor(
    private readonly dirs: BootFileDirs | undefined,
    private readonly log: GatewayLogger,
  ) {}

  get enabled(): boolean {
    return Boolean(this.dirs && (this.dirs.nftIncludeDir || this.dirs.modulesLoadDir));
  }

  /** `model` must be one nothing changes (an apply's copy, a revision model), not the live desired model. */
  async write(model: GatewayModel | null, natFtp: ModuleState | null): Promise<void> {
    const dirs = this.dirs;
    if (!model || !dirs || !this.enabled) return;
    const files = renderPersistence(model, {
      ...(dirs.nftIncludeDir ? { nftIncludeDir: dirs.nftIncludeDir } : {}),
      ...(dirs.modulesLoadDir ? { modulesLoadDir: dirs.modulesLoadDir } : {}),
      natFtp: natFtp ?? (await probeModule(NAT_FTP_MODULE).catch(() => null)),
      natTftp: model.tftp.enabled ? await probeModule(HELPER_KIND_SPECS.tftp.natModule).catch(() => null) : null,
      // Beside modules-load.d (/etc/modules-load.d -> /etc/sysctl.d).
      ...(dirs.modulesLoadDir
        ? { conntrackAccounting: true, sysctlDir: join(dirname(dirs.modulesLoadDir), 'sysctl.d') }
        : {}),
    });
    for (const f of files) {
      const isNft = f.path.endsWith('.nft');
      if ((isNft && !dirs.nftIncludeDir) || (!isNft && !dirs.modulesLoadDir)) continue;
      try {
        await mkdir(dirname(f.path), { recursive: true });
        const tmp = `${f.path}.tmp-${process.pid}`;
        await writeFile(tmp, f.content, { mode: f.mode });
        await rename(tmp, f.path);
      } catch (err) {
        this.log.error({ err, path: f.path }, 'could not write a persistence file');
      }
    }
  }
}
