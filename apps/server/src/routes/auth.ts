import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError, notFound } from '../lib/errors.js';
import { dummyPasswordHash, hashPassword, newApiToken, randomToken, sha256, verifyPassword } from '../lib/secrets.js';
import { actorOf, CSRF_HEADER, requirePrincipal, SESSION_COOKIE } from '../plugins/auth.js';
import {
  ApiToken,
  AuditPage,
  ChangePasswordBody,
  CreatedToken,
  CreateTokenBody,
  CreateUserBody,
  LoginBody,
  Me,
  PageQuery,
  UpdateUserBody,
  User,
} from '../schemas/auth.js';
import { ErrorBody, IdParam, Ok } from '../schemas/common.js';
import type { TokenRecord, UserRecord } from '../store/store.js';

const userView = (u: UserRecord): User => ({ id: u.id, username: u.username, role: u.role, createdAt: u.createdAt });
const tokenView = (t: TokenRecord): ApiToken => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  role: t.role,
  owner: t.username,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

const authErrors = { 401: ErrorBody, 403: ErrorBody };

const routes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/auth/login',
    {
      config: { auth: 'public', rateLimit: { max: app.config.loginRateLimit, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: 'Start a session (sets an httpOnly, SameSite=Strict cookie)',
        security: [],
        body: LoginBody,
        response: { 200: Me, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (req, reply) => {
      const { username, password } = req.body;
      const user = app.store.findUser(username);
      // Verify against a dummy hash for unknown users, so the timing does not tell which names exist.
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
      if (!user || !ok) {
        app.store.audit(username, 'login.failed', `user:${username}`, { ip: req.ip });
        throw new HttpError(401, 'bad_credentials', 'unknown user or wrong password');
      }
      const sid = randomToken();
      const csrf = randomToken(24);
      const ttl = app.config.sessionTtlMs;
      app.store.createSession(sha256(sid), user.id, csrf, Date.now() + ttl);
      app.store.audit(user.username, 'login', `user:${user.username}`, { ip: req.ip });
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
      if (sid) app.store.deleteSession(sha256(sid));
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      app.store.audit(actorOf(req), 'logout', `user:${req.principal?.username ?? ''}`);
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
        summary: 'Change your own password (ends your sessions)',
        body: ChangePasswordBody,
        response: { 200: Ok, 400: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const p = requirePrincipal(req);
      const user = app.store.getUser(p.userId);
      if (!user || !(await verifyPassword(req.body.currentPassword, user.passwordHash))) {
        throw new HttpError(400, 'validation', 'the current password is wrong', {
          problems: [{ path: 'body.currentPassword', message: 'wrong password' }],
        });
      }
      app.store.updateUser(user.id, { passwordHash: await hashPassword(req.body.newPassword) });
      app.store.audit(actorOf(req), 'user.password', `user:${user.username}`);
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
    async () => ({ items: app.store.listUsers().map(userView) }),
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
      if (app.store.findUser(req.body.username))
        throw new HttpError(409, 'exists', `user ${req.body.username} already exists`);
      const u = app.store.createUser(req.body.username, await hashPassword(req.body.password), req.body.role);
      app.store.audit(actorOf(req), 'user.create', `user:${u.username}`, { role: u.role });
      return reply.code(201).send(userView(u));
    },
  );

  app.patch(
    '/users/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['users'],
        summary: "Change a user's role or password",
        params: IdParam,
        body: UpdateUserBody,
        response: { 200: User, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const u = app.store.getUser(req.params.id);
      if (!u) throw notFound(`user ${req.params.id}`);
      if (req.body.role === 'viewer' && u.role === 'admin' && app.store.countAdmins() === 1) {
        throw new HttpError(409, 'last_admin', 'this is the last admin; make someone else admin first');
      }
      app.store.updateUser(u.id, {
        ...(req.body.role ? { role: req.body.role } : {}),
        ...(req.body.password ? { passwordHash: await hashPassword(req.body.password) } : {}),
      });
      app.store.audit(actorOf(req), 'user.update', `user:${u.username}`, {
        role: req.body.role,
        password: req.body.password !== undefined,
      });
      return userView(app.store.getUser(u.id) as UserRecord);
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
      const u = app.store.getUser(req.params.id);
      if (!u) throw notFound(`user ${req.params.id}`);
      if (u.role === 'admin' && app.store.countAdmins() === 1)
        throw new HttpError(409, 'last_admin', 'the last admin cannot be deleted');
      app.store.deleteUser(u.id);
      app.store.audit(actorOf(req), 'user.delete', `user:${u.username}`);
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
    async () => ({ items: app.store.listTokens().map(tokenView) }),
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
      const id = app.store.createToken({
        name: req.body.name,
        tokenHash: sha256(token),
        prefix,
        role: req.body.role,
        userId: p.userId,
      });
      app.store.audit(actorOf(req), 'token.create', `token:${id}`, { name: req.body.name, role: req.body.role });
      return reply.code(201).send({ ...tokenView(app.store.getToken(id) as TokenRecord), token });
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: { auth: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke an API token',
        params: IdParam,
        response: { 200: ApiToken, 404: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      if (!app.store.revokeToken(req.params.id)) throw notFound(`active token ${req.params.id}`);
      app.store.audit(actorOf(req), 'token.revoke', `token:${req.params.id}`);
      return tokenView(app.store.getToken(req.params.id) as TokenRecord);
    },
  );

  // --- audit log ------------------------------------------------------------------
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Who changed what and when, newest first',
        querystring: PageQuery,
        response: { 200: AuditPage, 400: ErrorBody, ...authErrors },
      },
    },
    async (req) => {
      const items = app.store.listAudit(req.query.limit + 1, req.query.before);
      const more = items.length > req.query.limit;
      const page = items.slice(0, req.query.limit);
      return { items: page, nextCursor: more ? (page[page.length - 1]?.id ?? null) : null };
    },
  );
};

export default routes;
