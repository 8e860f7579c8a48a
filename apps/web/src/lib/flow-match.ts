import type { Api, FlowQuery } from './types';

/**
 * Client-side version of the server's filter, for rows that arrive by the live
 * stream. As on the server, an address or port filter keeps a data flow with
 * its control flow: `shownId` says whether a flow (the row's master) is in view.
 */
export function matchesFlowQuery(
  row: Api['FlowRow'],
  q: FlowQuery,
  shownId: (id: string) => boolean = () => false,
): boolean {
  if (q.protocol && row.protocol !== q.protocol && String(row.protonum) !== q.protocol) return false;
  if (q.state && (row.state ?? '').toUpperCase() !== q.state.toUpperCase()) return false;
  if (q.helper) {
    if (q.helper === 'none' ? row.helper !== null : row.helper !== q.helper) return false;
  }
  const tuples = [row.original, row.reply];
  const own =
    (!q.address || tuples.some((t) => t.src === q.address || t.dst === q.address)) &&
    (q.port === undefined || tuples.some((t) => t.sport === q.port || t.dport === q.port));
  return own || (row.masterId !== null && shownId(row.masterId));
}
