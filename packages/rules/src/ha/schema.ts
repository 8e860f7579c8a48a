/**
 * The optional `ha` section of the model: a pair of gateways managed as one,
 * on keepalived (VRRP: the virtual addresses) and conntrackd (FTFW: the
 * connection and expectation tables). Only what both nodes share lives here;
 * which node "this" one is is local configuration, never part of the model,
 * so one revision is byte-identical on both nodes.
 */
import { z } from 'zod';
import { coded, codedPattern } from '../issues.js';
import { InterfaceName, Ipv4Address, ObjectId } from '../model-fields.js';

/** An address with its prefix length as it sits on an interface, e.g. 192.0.2.2/24. */
export const Ipv4Interface = z
  .string()
  .max(18, { error: 'an address with its prefix length is at most 18 characters', abort: true })
  .regex(codedPattern(/^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/, 'ha.address_format'), {
    error: 'expected an address with its prefix length, such as 192.0.2.2/24',
  })
  .refine(
    (s) => {
      const [addr, len] = s.split('/');
      return z.ipv4().safeParse(addr).success && Number(len) >= 1 && Number(len) <= 32;
    },
    { error: 'expected an address with its prefix length, such as 192.0.2.2/24', params: coded('ha.address_format') },
  );

/**
 * What every route shows instead of a secret of the pair (the VRRP secret, the
 * peer token). Sent back in a model, it means "keep the stored value"; the
 * server puts the stored secret back before the model is validated and
 * refuses it (ha.secret_masked) when there is none.
 */
export const SECRET_MASK = '********';

const PRINTABLE = codedPattern(/^[\x21-\x7e]+$/, 'ha.secret_chars');

/**
 * The bearer token each node's panel accepts from its peer, for the peer
 * routes only (check and apply a revision of the pair). At least 32
 * printable characters; the mask stands for the stored one.
 */
export const PeerToken = z
  .string()
  .max(256, { error: 'a peer token is at most 256 characters', abort: true })
  .superRefine((s, ctx) => {
    if (s === SECRET_MASK) return;
    if (s.length < 32)
      ctx.addIssue({
        code: 'custom',
        message: 'a peer token is at least 32 characters',
        params: coded('ha.peer_token_short', { minimum: 32 }),
      });
    else if (!PRINTABLE.test(s))
      ctx.addIssue({
        code: 'custom',
        message: 'use printable characters without spaces',
        params: coded('ha.secret_chars'),
      });
  });

export const HaNode = z.object({
  /** Names the node in keepalived's router_id, the history and the pair page. */
  name: ObjectId,
  /** Where the other node's panel reaches this one (the peer API). */
  apiUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http:// or https:// address of the node’s panel' })
    .max(200, { error: 'an address is at most 200 characters', abort: true }),
  /** This node's address on the dedicated sync link (conntrackd). */
  syncAddress: Ipv4Address,
  /** VRRP priority: when both are up, the higher one holds the virtual addresses. */
  priority: z.number().int({ error: 'a priority is a whole number' }).min(1).max(254),
});

export const VirtualAddress = z.object({
  /** VRRP virtual router id, 1-255, unique on the segment. */
  routerId: z.number().int({ error: 'a router id is a whole number' }).min(1).max(255),
  address: Ipv4Interface,
});

export const HaSection = z
  .object({
    nodes: z.tuple([HaNode, HaNode], { error: 'a pair has exactly two nodes' }),
    vrrp: z.object({
      wan: VirtualAddress,
      lan: VirtualAddress,
      /** VRRP PASS authentication: keepalived uses the first 8 characters only, so longer is refused. */
      authSecret: z
        .string()
        .min(1, { error: 'the VRRP secret is required' })
        .max(8, { error: 'VRRP authentication uses at most 8 characters' })
        .regex(PRINTABLE, {
          error: 'use printable characters without spaces',
        }),
      /** Seconds between VRRP advertisements. */
      advertInterval: z.number().int().min(1).max(255).default(1),
    }),
    /** The dedicated link the two conntrackd daemons sync over. */
    syncInterface: InterfaceName,
    /** The bearer token of the peer routes, the same on both nodes; never shown back (SECRET_MASK). */
    peerToken: PeerToken,
  })
  .superRefine((ha, ctx) => {
    const [a, b] = ha.nodes;
    const issue = (path: (string | number)[], message: string, code: Parameters<typeof coded>[0]) =>
      ctx.addIssue({ code: 'custom', path, message, params: coded(code) });
    if (a.name === b.name) issue(['nodes', 1, 'name'], 'the two nodes need different names', 'ha.same_name');
    if (a.priority === b.priority)
      issue(['nodes', 1, 'priority'], 'the two nodes need different priorities', 'ha.same_priority');
    if (a.syncAddress === b.syncAddress)
      issue(['nodes', 1, 'syncAddress'], 'the two nodes need different sync addresses', 'ha.same_sync_address');
    if (a.apiUrl === b.apiUrl) issue(['nodes', 1, 'apiUrl'], 'the two nodes need different addresses', 'ha.same_api');
    if (ha.vrrp.wan.routerId === ha.vrrp.lan.routerId)
      issue(['vrrp', 'lan', 'routerId'], 'WAN and LAN need different VRRP router ids', 'ha.same_router_id');
  });

export type HaSection = z.output<typeof HaSection>;
export type HaNode = z.output<typeof HaNode>;

/** The address of a virtual address without its prefix length. */
export function vipAddress(v: { address: string }): string {
  return v.address.split('/')[0] as string;
}
