/**
 * The boot files of a pair node: what BootFiles writes, plus the engine
 * files of this node (engine-files.ts) whenever a model is confirmed (an
 * apply without a confirmation window, a confirmation, a rollback), and the
 * engines started or reloaded when their files changed (engines.ts).
 * Writes run one after the other, in the order they were asked for.
 */
import { type GatewayModel, type ModuleState, type Runner, vipAddress } from '@gatehouse/rules';
import { type BootFileDirs, BootFiles } from '../gateway/boot-files.js';
import type { GatewayLogger } from '../gateway/types.js';
import { haFilePaths, renderEngineFiles, writeEngineFiles } from './engine-files.js';
import type { HaEngines } from './engines.js';

export interface PairNodeOptions {
  /** This node's name in ha.nodes. */
  node: string;
  dir: string;
  runner: Runner;
  /** null: files only (GATEHOUSE_HA_ENGINES=off). */
  engines: HaEngines | null;
}

export class PairBootFiles extends BootFiles {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    dirs: BootFileDirs | undefined,
    private readonly logger: GatewayLogger,
    private readonly pair: PairNodeOptions,
  ) {
    super(dirs, logger);
  }

  override get enabled(): boolean {
    return true;
  }

  override write(model: GatewayModel | null, natFtp: ModuleState | null): Promise<void> {
    const next = this.queue.then(async () => {
      if (super.enabled) await super.write(model, natFtp);
      if (model?.ha) await this.writePair(model as GatewayModel & { ha: NonNullable<GatewayModel['ha']> });
    });
    this.queue = next.catch(() => {});
    return next;
  }

  /** Resolves once every write asked for so far is done (tests, shutdown). */
  settled(): Promise<void> {
    return this.queue;
  }

  private async writePair(model: GatewayModel & { ha: NonNullable<GatewayModel['ha']> }): Promise<void> {
    try {
      const files = renderEngineFiles(model, this.pair.node, this.pair.dir, await this.ownAddresses(model));
      const changed = await writeEngineFiles(files);
      const p = haFilePaths(this.pair.dir);
      await this.pair.engines?.reload({
        keepalived: changed.includes(p.keepalivedConfig),
        conntrackd: changed.includes(p.conntrackdConfig),
      });
    } catch (err) {
      this.logger.error({ err }, 'could not write or reload the pair’s engines');
    }
  }

  /** The node's own IPv4 addresses (`ip -4 -o addr`), the virtual ones left out. */
  private async ownAddresses(model: GatewayModel & { ha: NonNullable<GatewayModel['ha']> }): Promise<string[]> {
    const r = await this.pair.runner.run('ip', ['-4', '-o', 'addr', 'show'], { reject: false });
    const vips = new Set([vipAddress(model.ha.vrrp.wan), vipAddress(model.ha.vrrp.lan)]);
    const out = new Set<string>();
    for (const m of r.stdout.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)\//g)) {
      const a = m[1] as string;
      if (!vips.has(a)) out.add(a);
    }
    return [...out].sort();
  }
}
