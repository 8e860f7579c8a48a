/**
 * Commit-confirm by reconnection (as LuCI does it): after a provisional
 * apply the client proves the panel is still reachable by opening a NEW
 * connection and confirming over it. A kept-alive connection proves nothing:
 * conntrack keeps the NAT mapping of an existing flow whatever the new rules
 * say. So every accepted socket gets a sequence number, a provisional apply
 * records the number reached when it was loaded, and a reconnect confirm is
 * accepted only on a socket numbered after it.
 *
 * In memory only: after a restart every connection is new, so a missing
 * mark is 0 and any socket qualifies.
 */
import type { Server } from 'node:net';

export class ConnectionAges {
  private seq = 0;
  private readonly ages = new WeakMap<object, number>();
  private readonly marks = new Map<number, number>();

  /** Numbers every socket the server accepts (plain TCP, and TLS once its handshake is done). */
  watch(server: Pick<Server, 'on'>): void {
    const stamp = (socket: object) => {
      this.seq += 1;
      this.ages.set(socket, this.seq);
    };
    server.on('connection', stamp);
    server.on('secureConnection', stamp);
  }

  /** Records that a provisional revision is loaded: only sockets accepted from now on confirm it by reconnection. */
  markApplied(revisionId: number): void {
    this.marks.set(revisionId, this.seq);
    // Keep the few newest marks: there is one pending confirmation at a time.
    for (const id of this.marks.keys()) if (this.marks.size > 8) this.marks.delete(id);
  }

  /** Whether this socket was accepted after the provisional revision was loaded. */
  acceptedAfterApply(socket: object, revisionId: number): boolean {
    const age = this.ages.get(socket);
    return age !== undefined && age > (this.marks.get(revisionId) ?? 0);
  }
}
