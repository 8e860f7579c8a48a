/** Event names the server sends (apps/server/src/routes/events.ts): each message is one named event. */
export const LIVE_EVENTS = [
  /** First message of every connection: { following, flows, expectations, drift }. */
  'hello',
  /**
   * On the server: { events: [{ type: new|update|destroy, row: FlowRow }] }. The pages
   * get what a batch changes in the open Connections view (flow-delta.ts), or nothing.
   */
  'flows',
  /** { events: [{ type, row: ExpectationRow }] } */
  'expectations',
  /** Too many changes to send: reload the tables. */
  'resync',
  /** Conntrack counts and follower state. */
  'conntrack',
  'apply',
  'confirm',
  'rollback',
  'drift',
  'config',
  'audit',
  /** An HA pair's takeover, sync errors, failover and resume by hand: { kind, node, ... } (services/ha). */
  'pair',
] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];
