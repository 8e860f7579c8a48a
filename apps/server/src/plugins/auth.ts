/**
 * Who is asking, and may they. Every request to /api is authenticated unless
 * its route says `config: { auth: 'public' }` (login, health): by a session
 * cookie or by an API token (`Authorization: Bearer`). Roles are checked
 * here, server side, from the route's `config.auth` ('viewer' by default).
 *
 * CSRF: the session cookie is SameSite=Strict, and every state-changing
 * request made with it must also carry the session's CSRF token in the
 * X-Gatehouse-CSRF header (a value another site cannot read or send).
 * Bearer-token requests carry no ambient credentials and are exempt.
 *
 * A token acts with the lower of its own role and its owner's current role
 * (store/accounts.ts), so demoting a user demotes their tokens with them; a
 * disabled user's sessions and tokens are not found at all.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../lib/errors.js';
import { sha256 } from '../lib/secrets.js';
import type { Role } from '../schemas/common.js';
import { TokenLookup } from '../services/token-lookup.js';

export type AuthLevel = 'public' | 'viewer' | 'admin';

export interface Principal {
  userId: number;
  username: string;
  role: Role;
  via: 'session' | 'token';
  /** For tokens: the token's name, for the audit log. */
  tokenName?: string;
  csrf?: string;
  /** For sessions: the stored hash of the session id (to keep it when its own password changes). */
  sessionHash?: string;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthLevel;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'gatehouse_session';
export const CSRF_HEADER = 'x-gatehouse-csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** How a principal is named in the audit log and revisions. */
export function actorOf(req: FastifyRequest): string {
  const p = req.principal;
  if (!p) return 'anonymous';
  return p.via === 'token' ? `${p.username} (token ${p.tokenName ?? '?'})` : p.username;
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new HttpError(401, 'unauthenticated', 'log in or send an API token');
  return req.principal;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
    const tokens = new TokenLookup(app.store.accounts);

    app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
      const level: AuthLevel = req.routeOptions.config?.auth ?? (req.url.startsWith('/api/') ? 'viewer' : 'public');
      const header = req.headers.authorization;
      if (header?.startsWith('Bearer ')) {
        const token = tokens.find(sha256(header.slice(7).trim()));
        if (token)
          req.principal = {
            userId: token.userId,
            username: token.username,
            role: token.effectiveRole,
            via: 'token',
            tokenName: token.name,
          };
        else if (level !== 'public') throw new HttpError(401, 'unauthenticated', 'the API token is unknown or revoked');
      } else {
        const sid = req.cookies[SESSION_COOKIE];
        const sessionHash = sid ? sha256(sid) : undefined;
        const session = sessionHash ? app.store.accounts.findSession(sessionHash) : undefined;
        if (session && sessionHash) {
          req.principal = {
            userId: session.userId,
            username: session.username,
            role: session.role,
            via: 'session',
            csrf: session.csrf,
            sessionHash,
          };
        }
      }
      if (level === 'public') return;
      const p = req.principal;
      if (!p) throw new HttpError(401, 'unauthenticated', 'log in or send an API token');
      if (p.via === 'session' && !SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== p.csrf) {
        throw new HttpError(
          403,
          'csrf',
          `state-changing requests with the session cookie need the ${CSRF_HEADER} header from login`,
        );
      }
      if (level === 'admin' && p.role !== 'admin') {
        throw new HttpError(403, 'forbidden', 'this needs the admin role');
      }
    });
  },
  { name: 'gatehouse-auth', dependencies: ['gatehouse-services'] },
);
