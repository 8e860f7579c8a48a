import { ObjectId } from '@gatehouse/rules';
import { z } from 'zod';
import { FLOW_SORT_FIELDS } from '../conntrack/table/query.js';
import { IntText } from './common.js';

export const TupleRow = z.object({
  src: z.string(),
  dst: z.string(),
  sport: z.number().nullable(),
  dport: z.number().nullable(),
  icmp: z.object({ type: z.number(), code: z.number(), id: z.number() }).optional(),
});

export const FlowCounters = z.object({
  origPackets: z.number(),
  origBytes: z.number(),
  replyPackets: z.number(),
  replyBytes: z.number(),
});

export const FlowForward = z.object({
  kind: z.enum(['forward', 'gateway']).describe('a port forward, or a gateway forward (to the gateway itself)'),
  id: z.string(),
  name: z.string(),
});

export const FlowRow = z
  .object({
    id: z.string(),
    protocol: z.string(),
    protonum: z.number(),
    state: z.string().nullable(),
    timeout: z.number().nullable().describe('seconds left'),
    original: TupleRow,
    reply: TupleRow,
    mark: z.number(),
    helper: z.string().nullable(),
    assured: z.boolean(),
    unreplied: z.boolean(),
    zone: z.number().nullable(),
    masterId: z.string().nullable().describe('the control flow this (data) flow is related to'),
    masterLinkedBy: z.enum(['expectation', 'heuristic']).nullable(),
    counters: FlowCounters.nullable().describe(
      'null while the kernel has reported none (nf_conntrack_acct off, or not read yet)',
    ),
    age: z.number().nullable().describe('seconds since the flow began (nf_conntrack_timestamp, or its NEW event)'),
    forward: FlowForward.nullable().describe('the forward of the applied model this flow came through'),
    panel: z.boolean().describe("one of the panel's own connections: it cannot be killed from the panel"),
  })
  .meta({ id: 'Flow' });
export type FlowRow = z.infer<typeof FlowRow>;

export const ExpectationRow = z
  .object({
    id: z.string(),
    protocol: z.string(),
    protonum: z.number(),
    timeout: z.number().nullable(),
    expected: TupleRow,
    mask: TupleRow,
    master: TupleRow,
    masterId: z.string().nullable().describe('id of the control flow (see /conntrack/flows)'),
    helper: z.string().nullable(),
    class: z.number().nullable(),
    flags: z.array(z.string()),
  })
  .meta({ id: 'Expectation' });
export type ExpectationRow = z.infer<typeof ExpectationRow>;

/**
 * Which node of an HA pair's table to read (issue #16): absent or this node's
 * name, this node's; the peer's name, the same request answered by the peer
 * (services/ha/either-node.ts). Any other name is a 400 on the field.
 */
export const NodeQuery = z.object({
  node: ObjectId.optional().describe("a pair node's name: read that node's table (default: this node)"),
});

export const FlowQuery = z.object({
  protocol: z.string().max(16).optional().describe('tcp, udp, icmp or a protocol number'),
  address: z
    .string()
    .max(45, { error: 'expected an IPv4 or IPv6 address' })
    .pipe(z.ipv4().or(z.ipv6()))
    .optional()
    .describe('any address of either tuple; data flows of a matching control flow are kept with it'),
  port: IntText(0, 65535)
    .optional()
    .describe('any port of either tuple; data flows of a matching control flow are kept with it'),
  state: z.string().max(16).optional().describe('e.g. ESTABLISHED'),
  helper: z.string().max(32).optional().describe('helper name, or none'),
  mark: IntText(0, 4294967295).optional(),
  sort: z.enum(FLOW_SORT_FIELDS).default('id'),
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: IntText(1, 1000).default(100),
  cursor: z.string().max(512).optional(),
  node: NodeQuery.shape.node,
});

export const FlowPage = z.object({
  items: z.array(FlowRow),
  total: z.number().describe('flows matching the filter'),
  nextCursor: z.string().nullable(),
  asOf: z.string(),
});

export const ExpectationList = z.object({ items: z.array(ExpectationRow), total: z.number() });

export const FlowIdParam = z.object({ id: z.string().min(1).max(200) });

export const KillResult = z.object({
  killed: z.literal(true),
  flow: FlowRow,
  /** With loose TCP pickup on, the next mid-stream packet re-creates the flow; see GATEHOUSE_STRICT_TCP_PICKUP. */
  connectionEnds: z.boolean(),
});

export const ConntrackAccounting = z
  .object({
    counters: z.boolean().nullable().describe('net.netfilter.nf_conntrack_acct (null: unreadable)'),
    timestamps: z.boolean().nullable().describe('net.netfilter.nf_conntrack_timestamp (null: unreadable)'),
  })
  .meta({ id: 'ConntrackAccounting' });
