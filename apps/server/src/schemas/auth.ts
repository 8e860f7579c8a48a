import { z } from 'zod';
import { Role } from './common.js';

export const LoginBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const Me = z.object({
  username: z.string(),
  role: Role,
  via: z.enum(['session', 'token']),
  /** Send this value in the X-Gatehouse-CSRF header with every state-changing request made with the session cookie. */
  csrfToken: z.string().optional(),
});
export type Me = z.infer<typeof Me>;

export const Username = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,31}$/, { error: 'use 1-32 lowercase letters, digits, _ . -, starting with a letter' });

export const User = z.object({ id: z.number(), username: z.string(), role: Role, createdAt: z.string() });
export type User = z.infer<typeof User>;

export const NewPassword = z.string().min(10, { error: 'use at least 10 characters' }).max(1024);

export const CreateUserBody = z.object({ username: Username, password: NewPassword, role: Role });
export const UpdateUserBody = z
  .object({ role: Role.optional(), password: NewPassword.optional() })
  .refine((b) => b.role !== undefined || b.password !== undefined, { error: 'change the role, the password or both' });
export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1), newPassword: NewPassword });

export const ApiToken = z.object({
  id: z.number(),
  name: z.string(),
  prefix: z.string().describe('first characters of the token, to recognise it'),
  role: Role,
  owner: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateTokenBody = z.object({
  name: z.string().min(1).max(64),
  role: Role.describe('a token never has more rights than its owner'),
});
export const CreatedToken = ApiToken.extend({ token: z.string().describe('shown once; only its hash is stored') });

export const AuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string(),
  detail: z.unknown(),
});
export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.number().nullable() });
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().positive().optional().describe('cursor: the id of the last row of the previous page'),
});
