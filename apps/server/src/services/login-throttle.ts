/**
 * Who may try a password now. Only failures count, by address and by
 * username, so that:
 *
 * - an address that keeps failing is throttled (for every username: it is
 *   guessing);
 * - a username that keeps failing (from any number of addresses) is under
 *   attack: then the addresses that failed against it are refused for that
 *   username, while an address with no failure against it (the owner at
 *   their desk) still gets to log in;
 * - a successful login is never counted, so people sharing an address (an
 *   office behind NAT, the e2e suite) can log in as often as they like.
 *
 * An attacker thus gets at most `limit` guesses per window per address, and
 * against a username under attack one guess per window per address.
 */
import { FailureLog, type FailureRule } from './failure-log.js';

export interface Throttled {
  /** Whole seconds, for Retry-After (at least 1). */
  retryAfterSeconds: number;
  /** What is throttled: the address, or this username from this address. */
  scope: 'address' | 'username';
}

const pair = (username: string, address: string) => `${username}\u0000${address}`;
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class LoginThrottle {
  private readonly byAddress: FailureLog;
  private readonly byUsername: FailureLog;
  /** Failures of one username from one address (limit 1: "has failed here"). */
  private readonly byPair: FailureLog;

  constructor(rule: FailureRule) {
    this.byAddress = new FailureLog(rule);
    this.byUsername = new FailureLog(rule);
    this.byPair = new FailureLog({ limit: 1, windowMs: rule.windowMs });
  }

  /** Null when `address` may try a password for `username` now. */
  check(username: string, address: string, now = Date.now()): Throttled | null {
    const addressWait = this.byAddress.blockedFor(address, now);
    if (addressWait > 0) return { retryAfterSeconds: seconds(addressWait), scope: 'address' };
    const usernameWait = this.byUsername.blockedFor(username, now);
    const failedHere = this.byPair.remembersFor(pair(username, address), now);
    if (usernameWait > 0 && failedHere > 0) {
      return { retryAfterSeconds: seconds(Math.min(usernameWait, failedHere)), scope: 'username' };
    }
    return null;
  }

  recordFailure(username: string, address: string, now = Date.now()): void {
    this.byAddress.add(address, now);
    this.byUsername.add(username, now);
    this.byPair.add(pair(username, address), now);
  }
}
