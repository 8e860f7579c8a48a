/**
 * TEMPORARY (issue #16, H3): the pair fields of the API contract
 * (/work/notes/pair-contract.md) that the server's schemas do not carry yet.
 * The one place they are written down on the web side: once
 * apps/server/src/schemas has them, each type here becomes the `Api` type it
 * stands for and this file goes.
 */
import type { FlowQuery } from './types';

/** GET /conntrack, /conntrack/expectations and /conntrack/count accept `node`. */
export type NodeFlowQuery = FlowQuery & { node?: string | undefined };
