/**
 * Shapes of what the Gatehouse API returns, mirroring the server's response
 * schemas (apps/server/src/schemas). The configuration objects (PortForward,
 * FtpHelperPolicy) come from the zod model shared with the server. Kept in
 * this one file so reconciling with the OpenAPI document is one diff.
 */
import type { FtpHelperPolicy, PortForward, PortForwardInput } from '@gatehouse/rules/model';

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

export interface Tuple {
  src: string;
  dst: string;
  sport: number | null;
  dport: number | null;
  icmp?: { type: number; code: number; id: number };
}

export interface FlowRow {
  id: string;
  protocol: string;
  protonum: number;
  state: string | null;
  /** Seconds left when the server read it. */
  timeout: number | null;
  original: Tuple;
  reply: Tuple;
  mark: number;
  helper: string | null;
  assured: boolean;
  unreplied: boolean;
  zone: number | null;
  /** Set on FTP data flows: the control flow they belong to. */
  masterId: string | null;
  masterLinkedBy: 'expectation' | 'heuristic' | null;
}

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

export interface FlowPage {
  items: FlowRow[];
  total: number;
  nextCursor: string | null;
  asOf: string;
}

export interface ExpectationRow {
  id: string;
  protocol: string;
  protonum: number;
  timeout: number | null;
  expected: Tuple;
  mask: Tuple;
  master: Tuple;
  masterId: string | null;
  helper: string | null;
  class: number | null;
  flags: string[];
}

export interface ExpectationList {
  items: ExpectationRow[];
  total: number;
}

export interface KillResult {
  killed: true;
  flow: FlowRow;
  connectionEnds: boolean;
}

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
