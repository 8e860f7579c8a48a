/**
 * Where each forward is in the desired model's list, without scanning it:
 * `forwards.findIndex` over 100,000 forwards cost ~1 ms of CPU per update or
 * delete (issue #15 goal 5, figure 15.5c), against ~0 at 1,000.
 *
 * The list it follows only changes the way DesiredState.changeForward
 * changes it in place: a forward appended, replaced where it is, or removed
 * (the ones after it move down by one). Anything else (a whole new model, a
 * revert putting a forward back in the middle) starts a new index. A removal
 * does not renumber the forwards after it (that would be the scan again):
 * a stored position is then at most `removed` too high, so a lookup reads
 * the list downwards from it, at most `removed` + 1 entries, and keeps what
 * it found. Positions below every removal since the last rebuild are exact.
 * After REBUILD_AFTER removals the index is rebuilt (one pass over the list):
 * amortized, a few microseconds a removal at 100,000 forwards.
 */

/** Removals after which the positions are recomputed in one pass. */
export const REBUILD_AFTER = 64;

interface HasId {
  readonly id: string;
}

export class ForwardPositions {
  private readonly at = new Map<string, number>();
  /** Removals since the last rebuild: a stored position is at most this much too high. */
  private removed = 0;
  /** Stored positions below this are exact (no removal before them since they were stored). */
  private exactBelow: number;

  /** Indexes `forwards`: the list this index follows from now on (changed only as the methods below say). */
  constructor(private readonly forwards: readonly HasId[]) {
    this.exactBelow = forwards.length;
    this.rebuild();
  }

  /** The position of the forward with this id, or -1. */
  indexOf(id: string): number {
    const stored = this.at.get(id);
    if (stored === undefined) return -1;
    const list = this.forwards;
    if (stored < this.exactBelow && list[stored]?.id === id) return stored;
    const lowest = Math.max(0, stored - this.removed);
    for (let i = Math.min(stored, list.length - 1); i >= lowest; i--) {
      if (list[i]?.id === id) {
        this.at.set(id, i);
        return i;
      }
    }
    // Not where it can be: the list was changed some other way. Never guess.
    this.rebuild();
    return this.at.get(id) ?? -1;
  }

  /** A forward was appended to the list (call after the push). */
  appended(id: string): void {
    this.at.set(id, this.forwards.length - 1);
  }

  /** The forward at `position` was removed from the list (call after the splice). */
  removedAt(id: string, position: number): void {
    this.at.delete(id);
    if (position >= this.forwards.length) return; // the last one: nothing moved
    this.removed++;
    this.exactBelow = Math.min(this.exactBelow, position);
    if (this.removed >= REBUILD_AFTER) this.rebuild();
  }

  private rebuild(): void {
    this.at.clear();
    this.forwards.forEach((f, i) => {
      this.at.set(f.id, i);
    });
    this.removed = 0;
    this.exactBelow = this.forwards.length;
  }
}
