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

/** The peer as this node sees it through GET /peer/state (issue #16, one change two nodes). */
export const PeerStateView = z.object({
  reachable: z.boolean(),
  error: z.string().nullable().describe('why the peer did not answer'),
  activeRevisionId: z.number().int().nullable().describe("the peer's active revision (its own id)"),
  inSync: z
    .boolean()
    .describe("the peer's active revision is a copy of this node's, or this node's is a copy of the peer's"),
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
    degraded: z
      .boolean()
      .default(false)
      .describe('the peer is unreachable or does not hold this node’s revision: applies need ?degraded=true'),
    peerState: PeerStateView.nullable().default(null).describe('null: this server is not a node of the pair'),
    heldByHand: z
      .boolean()
      .optional()
      .describe('true: this node’s keepalived is held down by POST /pair/failover until POST /pair/resume'),
  }),
]);

export type ConntrackdStats = z.output<typeof ConntrackdStats>;
export type CacheStats = z.output<typeof CacheStats>;
export type VrrpInstanceState = z.output<typeof VrrpInstanceState>;
/** As services build it: degraded and peerState may be left out (pair-watch's reads); the route's answer has them (defaults). */
export type PairStatus = z.input<typeof PairStatus>;
/** GET /pair's answer: every field set. */
export type PairStatusView = z.output<typeof PairStatus>;
export type PeerStateView = z.output<typeof PeerStateView>;
