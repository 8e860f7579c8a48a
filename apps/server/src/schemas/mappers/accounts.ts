/** Account records as the API shows them (schemas/auth.ts): never a password hash. */
import type { TokenRecord, UserRecord } from '../../store/accounts.js';
import type { ApiToken, User } from '../auth.js';

export const userView = (u: UserRecord): User => ({
  id: u.id,
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt,
});

/** What a token is now: revoked wins over expired (it was ended on purpose). */
export const tokenStatus = (t: TokenRecord, now = Date.now()): ApiToken['status'] =>
  t.revokedAt ? 'revoked' : t.expiresAt && Date.parse(t.expiresAt) <= now ? 'expired' : 'active';

export const tokenView = (t: TokenRecord): ApiToken => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  effectiveRole: t.effectiveRole,
  owner: t.username,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
  expiresAt: t.expiresAt,
  status: tokenStatus(t),
});
