/**
 * Shapes of what the Gatehouse API returns, mirroring the server's response
 * schemas (apps/server/src/schemas). The configuration objects (PortForward,
 * FtpHelperPolicy) come from the zod model shared with the server. Kept in
 * this one file so reconciling with the OpenAPI document is one diff.
 */
import type { FtpHelperPolicy, PortForward, PortForwardInput } from '@gatehouse/rules/model';
import type * as schemas from '@gatehouse/server/schemas';
import type { z } from 'zod';

export type { FtpHelperPolicy, PortForward, PortForwardInput };

export type Role = 'admin' | 'viewer';

/** GET /auth/me, POST /auth/login */
export interface SessionUser {
  username: string;
  role: Role;
  via?: 'session' | 'token';
  /** Echo this in the X-Gatehouse-CSRF header on cookie-authenticated writes. */
  csrfToken?: string;
}

export interface FieldProblem {
  path: string;
  message: string;
}

export interface NftObject {
  kind: 'forward' | 'gateway-forward' | 'ftp' | 'masquerade' | 'filter' | 'table';
  id?: string;
}

/** Every error response. */
export interface ErrorBody {
  error: string;
  message: string;
  problems?: FieldProblem[];
  object?: NftObject;
  diagnostics?: Array<{ line?: number; column?: number; message: string; source?: string; object?: NftObject }>;
}

export interface InterfaceStatus {
  name: string;
  state: string;
  mac: string | null;
  addresses: string[];
  role: 'wan' | 'lan' | 'other';
}

export interface ForwardCounter {
  forwardId: string;
  packets: number;
  bytes: number;
}

export type DriftStateName = 'in-sync' | 'drifted' | 'missing' | 'never-applied' | 'unknown';

export interface DriftState {
  state: DriftStateName;
  checkedAt: string | null;
  diff: string;
  added: string[];
  removed: string[];
}

export interface PendingConfirmation {
  revisionId: number;
  previousRevisionId: number | null;
  deadline: string;
  secondsLeft: number;
}

/** GET /status */
export interface GatewayStatus {
  now: string;
  netns: string | null;
  interfaces: InterfaceStatus[];
  appliedRevision: number | null;
  desiredVersion: number;
  desiredDiffersFromApplied: boolean;
  pending: PendingConfirmation | null;
  drift: DriftState;
  ftp: {
    enabled: boolean;
    passiveOnly: boolean;
    controlPorts: number[];
    helperObjectLive: boolean;
    natFtp: { state: string; evidence: string } | null;
  };
  counters: ForwardCounter[];
  conntrack: {
    following: boolean;
    flows: number;
    expectations: number;
    kernelFlows: number | null;
    lastResync: string | null;
    resyncs: number;
    tcpLoose: boolean | null;
  };
}

export type RevisionKind = 'apply' | 'rollback' | 'auto-rollback';
export type RevisionStatus = 'applying' | 'provisional' | 'confirmed' | 'superseded' | 'rolled-back' | 'failed';

export interface RevisionSummary {
  id: number;
  parentId: number | null;
  author: string;
  createdAt: string;
  kind: RevisionKind;
  status: RevisionStatus;
  comment: string;
  restoredFrom: number | null;
  active: boolean;
}

export interface Revision extends RevisionSummary {
  script: string;
  diff: string;
}

export interface LockoutProblem {
  reason: string;
  object?: NftObject;
}

/** GET preview: what an apply would do. */
export interface Preview {
  script: string;
  diff: string;
  appliedRevision: number | null;
  changed: boolean;
  drift: { drifted: boolean; missing: boolean; diff: string } | null;
  lockout: LockoutProblem[];
}

export interface ApplyBody {
  confirmWithinSeconds?: number;
  force?: boolean;
  comment?: string;
}

export interface ApplyResult {
  revision: RevisionSummary;
  pending: PendingConfirmation | null;
  durationMs: number;
  natFtp: string | null;
}

// Conntrack responses: the server's zod schemas are the contract (type-only
// import, nothing of the server reaches the bundle).
export type Tuple = z.output<typeof schemas.TupleRow>;
export type FlowRow = z.output<typeof schemas.FlowRow>;

export type FlowSortKey =
  | 'id'
  | 'protocol'
  | 'src'
  | 'dst'
  | 'sport'
  | 'dport'
  | 'state'
  | 'timeout'
  | 'mark'
  | 'helper';

export interface FlowQuery {
  protocol?: string;
  address?: string;
  port?: number;
  state?: string;
  helper?: string;
  sort: FlowSortKey;
  order: 'asc' | 'desc';
}

export type FlowPage = z.output<typeof schemas.FlowPage>;
export type ExpectationRow = z.output<typeof schemas.ExpectationRow>;
export type ExpectationList = z.output<typeof schemas.ExpectationList>;
export type KillResult = z.output<typeof schemas.KillResult>;

export interface UserRow {
  id: number;
  username: string;
  role: Role;
  createdAt: string;
}

export interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  role: Role;
  owner: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedToken extends TokenRow {
  /** The secret, shown once. */
  token: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: unknown;
}

export interface Page<T, C = number> {
  items: T[];
  nextCursor: C | null;
}

/** SSE `flows` / `expectations`: a batch of changes collected over ~250 ms. */
export interface ChangeBatch<T> {
  events: Array<{ type: 'new' | 'update' | 'destroy'; row: T }>;
}
