import type { FastifyError } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvLine } from '../lib/csv.js';
import { HttpError, notFound } from '../lib/errors.js';
import { hashPassword, newApiToken, randomToken, sha256 } from '../lib/secrets.js';
import { actorOf, CSRF_HEADER, requirePrincipal, SESSION_COOKIE } from '../plugins/auth.js';
import {
  ApiToken,
  AuditCsvQuery,
  AuditPage,
  AuditQuery,
  ChangePasswordBody,
  CreatedToken,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  Me,
  TokenDeleteQuery,
  UpdateUserBody,
  User,
} from '../schemas/auth.js';
import { ErrorBody, IdParam, Ok } from '../schemas/common.js';
import { tokenStatus, tokenView, userView } from '../schemas/mappers/accounts.js';
import { AUDIT_CSV_HEADER, auditCsvFields, auditView } from '../schemas/mappers/audit.js';
import { LoginService, TooManyAttempts } from '../services/login.js';
import { PasswordChangeService } from '../services/password-change.js';
import { passwordIssues } from '../services/password-policy.js';
import type { TokenRecord, UserRecord } from '../store/accounts.js';

const authErrors = { 401: ErrorBody, 403: ErrorBody };

/** Anonymous requests (login) are parsed only this far: a stranger must not make the server read 64 MiB. */
export const ANONYMOUS_BODY_LIMIT = 16 * 1024;

/** A password the policy refuses, as a field error like zod's. */
function checkPassword(password: string, username: string, path: string): void {
  const problems = passwordIssues(password, username);
  if (problems.length > 0) {
    throw new HttpError(400, 'validation', 'the password is not acceptable', {
      problems: problems.map((p) => ({ path, ...p })),
    });
  }
}

const routes: FastifyPluginAsyncZod = async (app) => {
  const logins = new LoginService(app.store, app.config.loginRateLimit);
  const passwords = new PasswordChangeService(app.store);
  const accounts = app.store.accounts;

  // For these routes only: a body over its limit is a clear 413, and a 429
  // carries Retry-After; everything else goes on to the app's error handler.
  app.setErrorHandler((err: FastifyError, _req, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      throw new HttpError(413, 'body_too_large', `the request body is larger than ${ANONYMOUS_BODY_LIMIT} bytes`);
    }
    if (err instanceof TooManyAttempts) reply.header('retry-after', String(err.retryAfterSeconds));
    throw err;
  });

  app.post(
    '/auth/login',
    {
      config: { auth: 'public' },
      bodyLimit: ANONYMOUS_BODY_LIMIT,
      schema: {
        tags: ['auth'],
        summary:
          'Start a session (sets an httpOnly, SameSite=Strict cookie). Failed attempts are throttled per address and, for a username under attack, per username and address (429 with Retry-After).',
        security: [],
        body: LoginBody,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 413: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const user = await logins.login(req.body.username, req.body.password, req.ip);
      const sid = randomToken();
      const csrf = randomToken(24);
      const ttl = app.config.sessionTtlMs;
      accounts.createSession(sha256(sid), user.id, csrf, Date.now() + ttl);
      reply.setCookie(SESSION_COOKIE, sid, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.secureCookies || req.protocol === 'https',
        maxAge: Math.floor(ttl / 1000),
      });
      return { username: user.username, role: user.role, via: 'session' as const, csrfToken: csrf };
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session', response: { 200: Ok, ...authErrors } } },
    async (req, reply) => {
      const sid = req.cookies[SESSION_COOKIE];
      if (sid) accounts.deleteSession(sha256(sid));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      app.store.audit.record(actorOf(req), 'logout', `user:${req.principal?.username ?? ''}`);
      return { ok: true as const };
    },
  );

  app.get(
    '/auth/me',
    {
      schema: {
        tags: ['auth'],
        summary: `Who is logged in; for a session also the CSRF token to send in ${CSRF_HEADER}`,
        response: { 200: Me, ...authErrors },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      return { username: p.username, role: p.role, via: p.via, ...(p.csrf ? { csrfToken: p.csrf } : {}) };
    },
  );

  app.post(
    '/auth/password',
    {
      schema: {
        tags: ['auth'],
        summary:
          'Change your own password: needs a session (not an API token); wrong current passwords are throttled (429); revokes your API tokens and ends your other sessions',
        body: ChangePasswordBody,
        response: { 200: Ok, 400: ErrorBody, 429: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      await passwords.change(p, actorOf(req), req.body.currentPassword, req.body.newPassword);
      return { ok: true as const };
    },
  );

  // --- users (admin) ------------------------------------------------------------
  app.get(
    '/users',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'List users',
        response: { 200: z.object({ items: z.array(User) }), ...authErrors },
      },
    },
    async () => ({ items: accounts.listUsers().map(userView) }),
  );

  app.post(
    '/users',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Create a user',
        body: CreateUserBody,
        response: { 201: User, 400: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (req, reply) => {
      if (accounts.findUser(req.body.username))
        throw new HttpError(409, 'exists', `user ${req.body.username} already exists`);
      const u = accounts.createUser(req.body.username, await hashPassword(req.body.password), req.body.role);
      app.store.audit.record(actorOf(req), 'user.create', `user:${u.username}`, { role: u.role });
      return reply.code(201).send(userView(u));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['users'],
        summary:
          "Change a user's role, password or disabled state. Demoting caps their API tokens (a token acts with the lower of its role and its owner's); a new password or disabling revokes their tokens and ends their sessions",
        params: IdParam,
        body: UpdateUserBody,
        response: { 200: User, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const u = accounts.getUser(req.params.id);
      if (!u) throw notFound(`user ${req.params.id}`);
      const { role, password, disabled } = req.body;
      const losesAdmin = role === 'viewer' || disabled === true;
      if (losesAdmin && u.role === 'admin' && !u.disabled && accounts.countActiveAdmins() === 1) {
        throw new HttpError(409, 'last_admin', 'this is the last admin; make someone else admin first');
      }
      if (password !== undefined) checkPassword(password, u.username, 'body.password');
      const ended = accounts.updateUser(u.id, {
        ...(role ? { role } : {}),
        ...(password ? { passwordHash: await hashPassword(password) } : {}),
        ...(disabled !== undefined ? { disabled } : {}),
      });
      app.store.audit.record(actorOf(req), 'user.update', `user:${u.username}`, {
        role,
        password: password !== undefined,
        disabled,
        ...ended,
      });
      return userView(accounts.getUser(u.id) as UserRecord);
    },
  );

  app.delete(
    '/users/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['users'],
        summary: 'Delete a user (and their sessions and tokens)',
        params: IdParam,
        response: { 200: Ok, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const u = accounts.getUser(req.params.id);
      if (!u) throw notFound(`user ${req.params.id}`);
      if (u.role === 'admin' && !u.disabled && accounts.countActiveAdmins() === 1)
        throw new HttpError(409, 'last_admin', 'the last admin cannot be deleted');
      accounts.deleteUser(u.id);
      app.store.audit.record(actorOf(req), 'user.delete', `user:${u.username}`);
      return { ok: true as const };
    },
  );

  // --- API tokens (admin) -------------------------------------------------------
  app.get(
    '/tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'List API tokens (never the secrets)',
        response: { 200: z.object({ items: z.array(ApiToken) }), ...authErrors },
      },
    },
    async () => ({ items: accounts.listTokens().map(tokenView) }),
  );

  app.post(
    '/tokens',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Create an API token; the secret is in this response only',
        body: CreateTokenBody,
        response: { 201: CreatedToken, 400: ErrorBody, ...authErrors },
      },
    },
    async (req, reply) => {
      const p = requirePrincipal(req);
      const { token, prefix } = newApiToken();
      const id = accounts.createToken({
        name: req.body.name,
        tokenHash: sha256(token),
        prefix,
        role: req.body.role,
        userId: p.userId,
        // Stored as toISOString whatever offset it came with, so text order is time order.
        expiresAt: req.body.expiresAt ? new Date(req.body.expiresAt).toISOString() : undefined,
      });
      app.store.audit.record(actorOf(req), 'token.create', `token:${id}`, {
        name: req.body.name,
        role: req.body.role,
        ...(req.body.expiresAt ? { expiresAt: new Date(req.body.expiresAt).toISOString() } : {}),
      });
      return reply.code(201).send({ ...tokenView(accounts.getToken(id) as TokenRecord), token });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary:
          'Revoke an API token; with ?purge=true remove a revoked or expired one for good (its id is never reused). Answers the token as it was',
        params: IdParam,
        querystring: TokenDeleteQuery,
        response: { 200: ApiToken, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      if (req.query.purge === 'true') {
        const token = accounts.getToken(req.params.id);
        if (!token) throw notFound(`token ${req.params.id}`);
        if (tokenStatus(token) === 'active')
          throw new HttpError(409, 'token_active', 'this token still works: revoke it before removing it');
        if (!accounts.purgeToken(token.id)) throw notFound(`token ${req.params.id}`);
        app.store.audit.record(actorOf(req), 'token.remove', `token:${token.id}`, { name: token.name });
        return tokenView(token);
      }
      if (!accounts.revokeToken(req.params.id)) throw notFound(`active token ${req.params.id}`);
      app.store.audit.record(actorOf(req), 'token.revoke', `token:${req.params.id}`);
      return tokenView(accounts.getToken(req.params.id) as TokenRecord);
    },
  );

  // --- audit log ------------------------------------------------------------------
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Who changed what and when, newest first, filtered by actor, action (or its family), target and time; viewers get login entries without the client address',
        querystring: AuditQuery,
        response: { 200: AuditPage, 400: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const role = requirePrincipal(req).role;
      const { limit, ...filter } = req.query;
      const items = app.store.audit.list(limit + 1, filter);
      const more = items.length > limit;
      const page = items.slice(0, limit).map((e) => auditView(e, role));
      return { items: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
    },
  );

  app.get(
    '/audit.csv',
    {
      schema: {
        tags: ['audit'],
        summary:
          'The audit log as CSV (the same filters, newest first); cells a spreadsheet would run as a formula start with an apostrophe',
        querystring: AuditCsvQuery,
        produces: ['text/csv'],
        response: { 200: z.string(), 400: ErrorBody, ...authErrors },
      },
    },
    async (req, reply) => {
      const role = requirePrincipal(req).role;
      const { limit, ...filter } = req.query;
      const rows = app.store.audit.list(limit, filter).map((e) => csvLine(auditCsvFields(auditView(e, role))));
      const day = new Date().toISOString().slice(0, 10);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="gatehouse-audit-${day}.csv"`)
        .header('cache-control', 'no-store')
        .send(csvLine(AUDIT_CSV_HEADER) + rows.join(''));
    },
  );
};

export default routes;
