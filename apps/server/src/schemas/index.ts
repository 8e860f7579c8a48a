/** Request and response schemas of the HTTP API, shared with the web app and the CLI. */
import { z } from 'zod';
import { ApiToken, User } from './auth.js';
import { ExpectationRow, FlowRow } from './conntrack.js';
import { PendingConfirmation, RevisionSummary } from './gateway.js';

export * from './auth.js';
export * from './common.js';
export * from './conntrack.js';
export * from './gateway.js';
export * from './import.js';
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
