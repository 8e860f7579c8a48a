/**
 * Undoing a desired-state change whose `?apply=true` failed (nft rejected it,
 * the lockout check refused it, another apply was running). The change and
 * its apply are one request: when the apply fails, the desired state goes
 * back to what it was, so no later apply carries the rejected change. It
 * does so as a new version: a client that read the failed version must not
 * find its ETag matching other content later.
 */
import type { PortForward } from '@gatehouse/rules';

/** The forwards as they were before one change made at `position` (the change is undone on a copy). */
export function forwardsBefore(
  forwards: readonly PortForward[],
  change: { id: string; before: PortForward | undefined; after: PortForward | undefined },
  position: number,
): PortForward[] {
  const out = forwards.slice();
  const at = out.findIndex((f) => f.id === change.id);
  if (change.before === undefined) {
    if (at >= 0) out.splice(at, 1);
  } else if (change.after === undefined) {
    out.splice(Math.min(position, out.length), 0, change.before);
  } else if (at >= 0) {
    out[at] = change.before;
  }
  return out;
}
