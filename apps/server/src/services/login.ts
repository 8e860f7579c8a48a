/**
 * Logging in: throttled by failures (services/login-throttle.ts), checked
 * against the stored hash, audited either way. Only failures count; a
 * refused attempt (429) is audited once per throttled stretch, so a flood of
 * them cannot fill the audit log.
 */
import { HttpError } from '../lib/errors.js';
import { dummyPasswordHash, verifyPassword } from '../lib/secrets.js';
import type { UserRecord } from '../store/accounts.js';
import type { Store } from '../store/store.js';
import { LoginThrottle, type Throttled } from './login-throttle.js';

export class TooManyAttempts extends HttpError {
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(429, 'rate_limited', `${message}; try again in ${retryAfterSeconds} s`, { extra: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class LoginService {
  private readonly throttle: LoginThrottle;
  /** Throttled stretches already audited: key -> until (epoch ms). */
  private readonly auditedUntil = new Map<string, number>();

  constructor(
    private readonly store: Store,
    /** Failed attempts per address (and per username) per minute before throttling. */
    failuresPerMinute: number,
  ) {
    this.throttle = new LoginThrottle({ limit: failuresPerMinute, windowMs: 60_000 });
  }

  private refuse(username: string, address: string, t: Throttled): never {
    const now = Date.now();
    const key = `${t.scope}\u0000${address}\u0000${t.scope === 'username' ? username : ''}`;
    if ((this.auditedUntil.get(key) ?? 0) <= now) {
      if (this.auditedUntil.size >= 10_000) this.auditedUntil.clear();
      this.auditedUntil.set(key, now + t.retryAfterSeconds * 1000);
      this.store.audit.record('anonymous', 'login.throttled', `user:${username}`, {
        ip: address,
        scope: t.scope,
        retryAfterSeconds: t.retryAfterSeconds,
      });
    }
    throw new TooManyAttempts(
      t.scope === 'address'
        ? 'too many failed logins from this address'
        : 'too many failed logins for this user from this address',
      t.retryAfterSeconds,
    );
  }

  /** The user, if `password` is theirs and they may log in now; otherwise an HttpError (401, 403, 429). */
  async login(username: string, password: string, address: string): Promise<UserRecord> {
    const throttled = this.throttle.check(username, address);
    if (throttled) this.refuse(username, address, throttled);
    const user = this.store.accounts.findUser(username);
    // Verify against a dummy hash for unknown users, so the timing does not tell which names exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok) {
      this.throttle.recordFailure(username, address);
      this.store.audit.record(username, 'login.failed', `user:${username}`, { ip: address });
      throw new HttpError(401, 'bad_credentials', 'unknown user or wrong password');
    }
    if (user.disabled) {
      this.store.audit.record(username, 'login.disabled', `user:${username}`, { ip: address });
      throw new HttpError(403, 'account_disabled', 'this account is disabled; an admin can enable it again');
    }
    this.store.audit.record(user.username, 'login', `user:${user.username}`, { ip: address });
    return user;
  }
}
