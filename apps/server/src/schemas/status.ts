import { z } from 'zod';
import { PendingConfirmation } from './gateway.js';

export const InterfaceStatus = z.object({
  name: z.string(),
  state: z.string(),
  mac: z.string().nullable(),
  addresses: z.array(z.string()).describe('address/prefix'),
  role: z.enum(['wan', 'lan', 'other']),
});

export const ForwardCounter = z.object({ forwardId: z.string(), packets: z.number(), bytes: z.number() });

export const DriftState = z.object({
  state: z.enum(['in-sync', 'drifted', 'missing', 'never-applied', 'unknown']),
  checkedAt: z.string().nullable(),
  diff: z.string(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
});
export type DriftState = z.infer<typeof DriftState>;

export const Status = z.object({
  now: z.string(),
  netns: z.string().nullable(),
  interfaces: z.array(InterfaceStatus),
  appliedRevision: z.number().nullable(),
  desiredVersion: z.number(),
  desiredDiffersFromApplied: z.boolean(),
  pending: PendingConfirmation.nullable(),
  drift: DriftState,
  ftp: z.object({
    enabled: z.boolean(),
    passiveOnly: z.boolean(),
    controlPorts: z.array(z.number()),
    helperObjectLive: z.boolean(),
    natFtp: z.object({ state: z.string(), evidence: z.string() }).nullable(),
  }),
  tftp: z.object({
    enabled: z.boolean(),
    ports: z.array(z.number()),
    natTftp: z
      .object({ state: z.string(), evidence: z.string() })
      .nullable()
      .describe('state of nf_nat_tftp (the TFTP helper NATs the server answer only with it)'),
  }),
  counters: z.array(ForwardCounter),
  conntrack: z.object({
    following: z.boolean(),
    flows: z.number(),
    expectations: z.number(),
    kernelFlows: z.number().nullable().describe('conntrack -C'),
    lastResync: z.string().nullable(),
    resyncs: z.number(),
    tcpLoose: z.boolean().nullable(),
  }),
});
