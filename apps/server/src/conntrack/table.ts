/**
 * The flow index: what the rest of the server uses of conntrack/table/
 * (table.ts writes dumps and events into it; columns.ts, id-index.ts,
 * links.ts and query.ts are its parts).
 */
export type { ExpectationEntry, FlowEntry, FlowsView } from './table/entries.js';
export {
  decodeCursor,
  encodeCursor,
  FLOW_SORT_FIELDS,
  type FlowFilter,
  type FlowPage,
  type FlowQuery,
  type FlowSortField,
  InvalidCursorError,
} from './table/query.js';
export { ConntrackTable } from './table/table.js';
