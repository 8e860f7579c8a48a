import { z } from 'zod';
import { PASSWORD_MAX_LENGTH, passwordProblems, passwordShapeProblems } from '../services/password-policy.js';
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
    for (const message of passwordShapeProblems(password)) ctx.addIssue({ code: 'custom', message });
  })
  .describe('12-256 characters, no control characters, not containing the username, zxcvbn strength 3 of 4 or more');

export const CreateUserBody = z
  .object({ username: Username, password: NewPassword, role: Role })
  .superRefine((b, ctx) => {
    if (passwordShapeProblems(b.password).length > 0) return;
    for (const message of passwordProblems(b.password, b.username))
      ctx.addIssue({ code: 'custom', path: ['password'], message });
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
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateTokenBody = z.object({
  name: z.string().min(1).max(64),
  role: Role.describe(
    "a token never has more rights than its owner: on every request it acts with the lower of this role and its owner's current role",
  ),
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
