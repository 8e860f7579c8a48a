/**
 * The API contract as the UI sees it, derived from the server's zod schemas
 * (apps/server/src/schemas) by their names: `Api['FlowRow']` is what a
 * response carrying a FlowRow holds, `ApiBody['ApplyBody']` what a request
 * may send. The import is for types only, so nothing of the server reaches
 * the bundle, and a schema change is a type error here instead of a drift.
 */
import type * as schemas from '@gatehouse/server/schemas';
import type { z } from 'zod';

type Schemas = typeof schemas;
type SchemaName = { [Name in keyof Schemas]: Schemas[Name] extends z.ZodType ? Name : never }[keyof Schemas];

/** Responses: z.output of the schema (defaults filled in, text parsed to numbers). */
export type Api = { [Name in SchemaName]: z.output<Schemas[Name]> };
/** Request bodies: z.input of the schema (what may be left out for a default). */
export type ApiBody = { [Name in SchemaName]: z.input<Schemas[Name]> };

/** The filter and order of the connections view; the page size and cursor are the fetcher's. */
export type FlowQuery = Omit<Api['FlowQuery'], 'limit' | 'cursor'>;
export type FlowSortKey = FlowQuery['sort'];
