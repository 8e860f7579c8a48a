/**
 * What one batch of the live flow stream changes in the Connections view,
 * worked out where the batch is parsed (the stream's worker, live-worker.ts),
 * so that the page's main thread receives only that. At a burst of 10,000 new
 * flows a second a batch is 2,000 rows (~0.8 MB of JSON) five times a second;
 * the view inserts at most a few hundred of them and counts the rest, so the
 * page gets the rows it may still insert (`budget`), the loaded rows that
 * changed or left, and counts (bench 15.3c: the parse and the walk of each
 * batch on the main thread delayed the frames of someone scrolling).
 */
import { matchesFlowQuery } from './flow-match';
import type { Api, FlowQuery } from './types';

/** The Connections view the stream is reduced for: its query, the rows it has loaded, the rows it may still insert. */
export interface FlowView {
  query: FlowQuery;
  /** Ids of the rows loaded in the table. */
  loaded: readonly string[];
  /** How many new rows the view may still put on top (live-flows.ts, LIVE_INSERT_MAX). */
  budget: number;
}

/** One batch's effect on a FlowView. */
export interface FlowDelta {
  /** Loaded rows that leave: destroyed, or updated so that they no longer match. */
  gone: string[];
  /** Loaded rows' new content. */
  changed: Api['FlowRow'][];
  /** Rows new to the view, in the stream's order; at most the view's budget. */
  added: Api['FlowRow'][];
  /** Rows new to the view: `added` and those over the budget, counted. */
  addedCount: number;
  /** Flows of the view destroyed that were not loaded: they leave its total. */
  goneUnloaded: number;
}

/** A FlowView with its loaded ids as a set, built once per view and kept current by `advanceFlowView`. */
export interface PreparedFlowView {
  query: FlowQuery;
  loaded: Set<string>;
  budget: number;
}

export const prepareFlowView = (v: FlowView): PreparedFlowView => ({
  query: v.query,
  loaded: new Set(v.loaded),
  budget: v.budget,
});

/**
 * One batch reduced for a view; what the batch says last of a flow is what
 * counts. A loaded row leaves when its flow is destroyed or no longer
 * matches, and otherwise takes the batch's last row. A matching flow not
 * loaded is new to the view (a new flow, or one that came to match); one
 * that is destroyed in the same batch is neither counted nor sent, and a
 * matching flow destroyed that was neither loaded nor new in the batch
 * leaves the view's total. A row whose master is loaded matches an address
 * or port filter (as on the server: a data flow stays with its control flow).
 */
export function reduceFlowBatch(events: Api['FlowChanges']['events'], view: PreparedFlowView): FlowDelta {
  const { query, loaded } = view;
  const shownId = (id: string) => loaded.has(id);
  /** Loaded flows the batch names: their last row, or null when they leave. */
  const fate = new Map<string, Api['FlowRow'] | null>();
  /** Flows new to the view, with their last row, in the order they first came. */
  const fresh = new Map<string, Api['FlowRow']>();
  let goneUnloaded = 0;
  for (const ev of events) {
    const row = ev.row;
    const id = row.id;
    const matches = ev.type !== 'destroy' && matchesFlowQuery(row, query, shownId);
    if (loaded.has(id)) fate.set(id, matches ? row : null);
    else if (matches) fresh.set(id, row);
    else if (!fresh.delete(id) && ev.type === 'destroy' && matchesFlowQuery(row, query, shownId)) goneUnloaded++;
  }
  const gone: string[] = [];
  const changed: Api['FlowRow'][] = [];
  for (const [id, row] of fate) {
    if (row) changed.push(row);
    else gone.push(id);
  }
  const added: Api['FlowRow'][] = [];
  for (const row of fresh.values()) {
    if (added.length >= view.budget) break;
    added.push(row);
  }
  return { gone, changed, added, addedCount: fresh.size, goneUnloaded };
}

/**
 * The view as the page will hold it once it has applied `delta`: the rows
 * sent are loaded, the rows gone are not, the budget is spent. The next
 * batch is reduced against that, not against the view the page last sent,
 * which may not have caught up yet.
 */
export function advanceFlowView(view: PreparedFlowView, delta: FlowDelta): void {
  for (const id of delta.gone) view.loaded.delete(id);
  for (const r of delta.added) view.loaded.add(r.id);
  view.budget = Math.max(0, view.budget - delta.added.length);
}

/** Nothing to apply. */
export const isEmptyDelta = (d: FlowDelta): boolean =>
  d.gone.length === 0 && d.changed.length === 0 && d.addedCount === 0 && d.goneUnloaded === 0;
