/**
 * Passive-only check: whether the applied revision refuses active FTP, the
 * drop rule's counter when it has one (read from `nft -j list chain`, by the
 * rule's comment), and the last active data connections clients announced
 * (PORT/EPRT, recorded from the expectation events: under passive-only the
 * drop rule refuses each of them, and a refused connection never reaches
 * the flow table).
 */
import { CHAIN, type GatewayModel, type Runner } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { Seen } from './activity.js';
import { helperPolicy } from './forwards.js';
import { check, say } from './texts.js';

/** The comment render/ftp.ts gives the passive-only drop rule. */
export const PASSIVE_ONLY_DROP_COMMENT = 'ftp passive-only: active data connections are refused';

export interface PassiveOnlyFacts {
  passiveOnly: boolean;
  /** Packets the drop rule counted; null when it has no counter (or it could not be read). */
  dropPackets: number | null;
  activeAttempts: Seen[];
  /** The probe saw the server announce the public address itself. */
  announcesPublic: boolean;
}

interface NftRule {
  rule?: { comment?: string; expr?: Array<{ counter?: { packets: number } }> };
}

/** Pure: the drop rule's packet count in `nft -j list chain` output, or null. */
export function dropCounterOf(json: unknown): number | null {
  const items = (json as { nftables?: NftRule[] })?.nftables ?? [];
  for (const item of items) {
    if (item.rule?.comment !== PASSIVE_ONLY_DROP_COMMENT) continue;
    const counter = item.rule.expr?.find((e) => e.counter)?.counter;
    return counter ? counter.packets : null;
  }
  return null;
}

export async function readDropCounter(model: GatewayModel, runner: Runner): Promise<number | null> {
  if (!helperPolicy(model).passiveOnly) return null;
  const r = await runner
    .run('nft', ['-j', 'list', 'chain', 'ip', model.table, CHAIN.filter], { reject: false, timeoutMs: 10_000 })
    .catch(() => null);
  if (r?.exitCode !== 0) return null;
  try {
    return dropCounterOf(JSON.parse(r.stdout));
  } catch {
    return null;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Pure: the verdict from what was read. */
export function passiveOnlyCheck(f: PassiveOnlyFacts): FtpDoctorCheck {
  const attempts = f.activeAttempts
    .slice(-5)
    .map((s) => say('evidence.active_attempt', { client: s.client, at: iso(s.at) }));
  if (!f.passiveOnly) return check('passive-only', 'ok', say('passive.off'), attempts);
  const evidence = [
    f.dropPackets === null
      ? say('evidence.counter_unavailable')
      : say('evidence.drop_counter', { packets: f.dropPackets }),
    ...attempts,
  ];
  if (f.announcesPublic) {
    return check('passive-only', 'warning', say('passive.blocks_nothing'), evidence, say('fix.unset_pasv_address'));
  }
  return check('passive-only', 'ok', say('passive.on'), evidence);
}
