import { z } from 'zod';
import {
  PASSWORD_MAX_LENGTH,
  passwordIssues,
  passwordShapeIssues,
  passwordShapeProblems,
} from '../services/password-policy.js';
import { Role } from './common.js';

/** Timestamps, usernames and short labels in responses. */
const Short = z.string().max(64);

/** A password being checked, not set: passwords set under the old rule (up to 1024 characters) still log in. */
const GivenPassword = z.string().min(1).max(1024);

export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: GivenPassword,
});

export const Me = z.object({
  username: Short,
  role: Role,
  via: z.enum(['session', 'token']),
  /** Send this value in the X-Gatehouse-CSRF header with every state-changing request made with the session cookie. */
  csrfToken: z.string().max(128).optional(),
});
export type Me = z.infer<typeof Me>;

export const Username = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,31}$/, { error: 'use 1-32 lowercase letters, digits, _ . -, starting with a letter' });

export const User = z.object({
  id: z.number(),
  username: Short,
  role: Role,
  disabled: z.boolean().describe('a disabled user cannot log in; their sessions and tokens stop working'),
  createdAt: Short,
});
export type User = z.infer<typeof User>;

/**
 * The checks of the password policy that need no username (length, control
 * characters). The whole policy, with the username and zxcvbn, runs where
 * the username is known: CreateUserBody below, and the routes for a reset
 * or one's own change (services/password-policy.ts).
 */
export const NewPassword = z
  .string()
  .max(PASSWORD_MAX_LENGTH, { error: `use at most ${PASSWORD_MAX_LENGTH} characters` })
  .superRefine((password, ctx) => {
    if (password.length > PASSWORD_MAX_LENGTH) return;
    for (const { message, code, params } of passwordShapeIssues(password)) {
      ctx.addIssue({ code: 'custom', message, params: { ...params, code } });
    }
  })
  .describe('12-256 characters, no control characters, not containing the username, zxcvbn strength 3 of 4 or more');

export const CreateUserBody = z
  .object({ username: Username, password: NewPassword, role: Role })
  .superRefine((b, ctx) => {
    if (passwordShapeProblems(b.password).length > 0) return;
    for (const { message, code, params } of passwordIssues(b.password, b.username))
      ctx.addIssue({ code: 'custom', path: ['password'], message, params: { ...params, code } });
  });
export const UpdateUserBody = z
  .object({
    role: Role.optional(),
    password: NewPassword.optional().describe('a new password revokes their API tokens and ends their sessions'),
    disabled: z
      .boolean()
      .optional()
      .describe('true revokes their API tokens and ends their sessions; the last admin cannot be disabled'),
  })
  .refine((b) => b.role !== undefined || b.password !== undefined || b.disabled !== undefined, {
    error: 'change the role, the password or disabled',
  });
export const ChangePasswordBody = z.object({ currentPassword: GivenPassword, newPassword: NewPassword });

export const ApiToken = z.object({
  id: z.number(),
  name: Short,
  prefix: Short.describe('first characters of the token, to recognise it'),
  role: Role.describe('the role the token was created with'),
  effectiveRole: Role.describe("what it may do now: the lower of its role and its owner's current role"),
  owner: Short,
  createdAt: Short,
  lastUsedAt: Short.nullable(),
  revokedAt: Short.nullable(),
  expiresAt: Short.nullable().describe('after this time the token is refused like a revoked one; null: never'),
  status: z
    .enum(['active', 'revoked', 'expired'])
    .describe('revoked and expired tokens are refused, and can be removed (DELETE /tokens/:id?purge=true)'),
});
export type ApiToken = z.infer<typeof ApiToken>;

/** A moment given by a client, with its offset (2026-12-31T23:59:59Z, 2026-12-31T23:59:59+09:00). */
export const Instant = z.iso.datetime({ offset: true, error: 'use an ISO date and time, e.g. 2026-12-31T23:59:59Z' });

export const CreateTokenBody = z.object({
  name: z.string().min(1).max(64),
  role: Role.describe(
    "a token never has more rights than its owner: on every request it acts with the lower of this role and its owner's current role",
  ),
  expiresAt: Instant.refine((at) => Date.parse(at) > Date.now(), { error: 'the expiry must be in the future' })
    .optional()
    .describe('after this moment the token is refused (401) like a revoked one; omit for no expiry'),
});
export const TokenDeleteQuery = z.object({
  purge: z
    .enum(['true', 'false'])
    .optional()
    .describe('true: remove a revoked or expired token for good (409 token_active for a usable one); otherwise revoke'),
});
export const CreatedToken = ApiToken.extend({
  token: z.string().max(128).describe('shown once; only its hash is stored'),
});

export const AuditEntry = z.object({
  id: z.number(),
  at: Short,
  actor: z.string().max(1024),
  action: z.string().max(256),
  target: z.string().max(1024),
  detail: z.unknown(),
});
export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.number().nullable() });
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional().describe('cursor: the id of the last row of the previous page'),
});
/** What the audit log can be narrowed to (store/audit.ts); parts combine with AND. */
const AuditFilterQuery = z.object({
  actor: z.string().max(64).optional().describe('part of the actor, any case'),
  action: z.string().max(64).optional().describe('an action or its family: login finds login.failed too'),
  target: z.string().max(256).optional().describe('part of the target, any case, e.g. user:ana'),
  since: Instant.optional().describe('entries at or after this moment'),
  until: Instant.optional().describe('entries at or before this moment'),
});
export const AuditQuery = PageQuery.extend(AuditFilterQuery.shape);
/** The CSV export: the same filters, newest first, up to `limit` rows. */
export const AUDIT_CSV_MAX_ROWS = 10_000;
export const AuditCsvQuery = AuditFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(AUDIT_CSV_MAX_ROWS).default(AUDIT_CSV_MAX_ROWS),
});
