/**
 * The API contract as the UI sees it: the server's zod schemas by name
 * (`Api['FlowRow']` for a response, `ApiBody['ApplyBody']` for a request
 * body; apps/server/src/schemas/index.ts). Type-only, so nothing of the
 * server reaches the bundle, and a schema change is a type error here.
 */
import type { Api } from '@gatehouse/server/schemas';

export type { Api, ApiBody } from '@gatehouse/server/schemas';

/** The filter and order of the connections view; the page size and cursor are the fetcher's. */
export type FlowQuery = Omit<Api['FlowQuery'], 'limit' | 'cursor'>;
export type FlowSortKey = FlowQuery['sort'];
