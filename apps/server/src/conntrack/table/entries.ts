/** What the flow index hands out: flows and expectations with what it adds to them. */
import type { Expectation, Flow } from '../parse.js';

export interface FlowEntry extends Flow {
  /** Epoch ms when the flow times out, from the last timeout the kernel reported. */
  expiresAt: number | null;
  masterId: string | null;
  masterLinkedBy: 'expectation' | 'heuristic' | null;
}

export interface ExpectationEntry extends Expectation {
  expiresAt: number | null;
  /** The control flow whose original tuple is this expectation's master tuple. */
  masterId: string | null;
}

/** The flows as a read-only map of entries (built on demand). */
export interface FlowsView {
  readonly size: number;
  get(id: string): FlowEntry | undefined;
  values(): IterableIterator<FlowEntry>;
}
