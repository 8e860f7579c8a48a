/** Request and response schemas of the HTTP API, shared with the web app and the CLI. */
import { z } from 'zod';
import { ApiToken, User } from './auth.js';
import { ExpectationRow, FlowRow } from './conntrack.js';
import { PendingConfirmation, RevisionSummary } from './gateway.js';
import type * as schemas from './index.js';

export * from './auth.js';
export * from './common.js';
export * from './conntrack.js';
export * from './drift.js';
export * from './forwards-bulk.js';
export * from './ftp-diagnosis.js';
export * from './gateway.js';
export * from './gateway-settings.js';
export * from './history.js';
export * from './import.js';
export * from './pair.js';
export * from './pair-events.js';
export * from './pair-failover.js';
export * from './pending.js';
export * from './status.js';

/*
 * Shapes the routes declare inline, named here so the clients can type
 * against them (z.output<typeof UserList>) instead of restating them.
 */
export const UserList = z.object({ items: z.array(User) });
export const TokenList = z.object({ items: z.array(ApiToken) });
/** GET /apply/pending */
export const PendingState = z.object({ pending: PendingConfirmation.nullable() });
/** POST /apply/confirm */
export const ConfirmResult = z.object({ revision: RevisionSummary });
/** GET /conntrack/count */
export const FlowCount = z.object({ count: z.number() });

/**
 * Data of the `flows` and `expectations` Server-Sent Events: the changes of
 * one batching window (services/events.ts), oldest first.
 */
const changeBatch = <Row extends z.ZodType>(row: Row) =>
  z.object({ events: z.array(z.object({ type: z.enum(['new', 'update', 'destroy']), row })) });
export const FlowChanges = changeBatch(FlowRow);
export const ExpectationChanges = changeBatch(ExpectationRow);

type Schemas = typeof schemas;
type SchemaName = { [Name in keyof Schemas]: Schemas[Name] extends z.ZodType ? Name : never }[keyof Schemas];
/**
 * The contract for clients (web, CLI), by schema name: `Api['FlowRow']` is
 * what a response carrying a FlowRow holds (z.output: defaults filled in,
 * text parsed to numbers), `ApiBody['ApplyBody']` what a request may send
 * (z.input). Imported for types only, nothing of the server reaches a client.
 */
export type Api = { [Name in SchemaName]: z.output<Schemas[Name]> };
export type ApiBody = { [Name in SchemaName]: z.input<Schemas[Name]> };
