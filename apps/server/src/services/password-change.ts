/**
 * A user changing their own password. It takes a session, never an API
 * token: tokens are handed to scripts (a viewer token may be on a dashboard
 * box), and one must not be able to take over its owner's account by
 * guessing the current password. Wrong current passwords are throttled per
 * user; every attempt is audited. The new password revokes the user's API
 * tokens and ends their other sessions.
 */
import { HttpError } from '../lib/errors.js';
import { hashPassword, verifyPassword } from '../lib/secrets.js';
import type { Store } from '../store/store.js';
import { FailureLog } from './failure-log.js';
import { TooManyAttempts } from './login.js';
import { passwordIssues } from './password-policy.js';

export interface PasswordChanger {
  userId: number;
  via: 'session' | 'token';
  /** The session making the change: it stays logged in. */
  sessionHash?: string | undefined;
}

/** Wrong current passwords per user before the change is refused for a while. */
export const PASSWORD_CHANGE_FAILURES = { limit: 5, windowMs: 15 * 60_000 };

export class PasswordChangeService {
  private readonly failures = new FailureLog(PASSWORD_CHANGE_FAILURES);

  constructor(private readonly store: Store) {}

  async change(who: PasswordChanger, actor: string, currentPassword: string, newPassword: string): Promise<void> {
    if (who.via !== 'session') {
      throw new HttpError(403, 'session_required', 'changing your password needs a login session, not an API token');
    }
    const user = this.store.accounts.getUser(who.userId);
    if (!user) throw new HttpError(401, 'unauthenticated', 'log in again');
    const target = `user:${user.username}`;
    const key = String(user.id);
    const wait = this.failures.blockedFor(key);
    if (wait > 0) {
      const retryAfterSeconds = Math.max(1, Math.ceil(wait / 1000));
      this.store.audit.record(actor, 'user.password.throttled', target, { retryAfterSeconds });
      throw new TooManyAttempts('too many wrong current passwords', retryAfterSeconds);
    }
    const problems = passwordIssues(newPassword, user.username);
    if (problems.length > 0) {
      this.store.audit.record(actor, 'user.password.failed', target, { reason: 'policy' });
      throw new HttpError(400, 'validation', 'the new password is not acceptable', {
        problems: problems.map((p) => ({ path: 'body.newPassword', ...p })),
      });
    }
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      this.failures.add(key);
      this.store.audit.record(actor, 'user.password.failed', target, { reason: 'wrong current password' });
      throw new HttpError(400, 'validation', 'the current password is wrong', {
        problems: [{ path: 'body.currentPassword', message: 'wrong password', code: 'password.wrong', params: {} }],
      });
    }
    const ended = this.store.accounts.updateUser(
      user.id,
      { passwordHash: await hashPassword(newPassword) },
      who.sessionHash,
    );
    this.store.audit.record(actor, 'user.password', target, ended);
  }
}
