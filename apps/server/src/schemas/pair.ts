/** The HA pair as this node sees it (GET /pair): see services/ha/pair-status.ts. */
import { z } from 'zod';

const count = z.number().int().nullable();

export const CacheStats = z.object({
  active: count.describe('flows in the cache now'),
  created: count,
  createdFailed: count,
  updated: count,
  updatedFailed: count,
  destroyed: count,
  destroyedFailed: count,
});

export const ConntrackdStats = z.object({
  internal: CacheStats.describe("this node's flows"),
  external: CacheStats.describe("the peer's flows, committed to the kernel when this node becomes primary"),
  link: z.object({
    device: z.string().nullable(),
    bytesSent: count,
    bytesReceived: count,
    packetsSent: count,
    packetsReceived: count,
    sendErrors: count,
    receiveErrors: count,
  }),
  messages: z.object({ malformed: count, lost: count }),
});

export const VrrpInstanceState = z.object({
  name: z.enum(['wan', 'lan']),
  interface: z.string(),
  address: z.string(),
  routerId: z.number().int(),
  state: z.enum(['master', 'backup']).describe('master: this node holds the virtual address'),
});

export const PairStatus = z.discriminatedUnion('configured', [
  z.object({ configured: z.literal(false) }),
  z.object({
    configured: z.literal(true),
    node: z.string().nullable().describe('this node (GATEHOUSE_HA_NODE), null when unset or not in the pair'),
    peer: z.string().nullable(),
    instances: z.array(VrrpInstanceState),
    sync: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), stats: ConntrackdStats }),
      z.object({ ok: z.literal(false), error: z.string() }),
    ]),
    lastPrimaryAt: z.iso.datetime().nullable(),
    lastBulkSyncAt: z.iso.datetime().nullable(),
  }),
]);

export type ConntrackdStats = z.output<typeof ConntrackdStats>;
export type CacheStats = z.output<typeof CacheStats>;
export type VrrpInstanceState = z.output<typeof VrrpInstanceState>;
export type PairStatus = z.output<typeof PairStatus>;
