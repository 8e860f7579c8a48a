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
 *
 * The peer of an HA pair (issue #16) authenticates with `Authorization: Peer
 * <token>`: the peer token of this node's active revision, of its desired
 * model, or the bootstrap token from the configuration (haPeerToken), compared
 * as SHA-256 digests in constant time, and only on a pair node (haNode set).
 * A peer may call the routes marked `auth: 'peer'` and the GETs marked
 * `peerRead: true`, nothing else (403 peer_not_allowed); sessions and API
 * tokens may not call the peer routes (403 forbidden).
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { HttpError } from '../lib/errors.js';
import { sha256 } from '../lib/secrets.js';
import type { Role } from '../schemas/common.js';
import { TokenLookup } from '../services/token-lookup.js';

export type AuthLevel = 'public' | 'viewer' | 'admin' | 'peer';

/** A user, by session or API token. */
export interface UserPrincipal {
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

/** The pair's peer node (Authorization: Peer): only on peer routes and peerRead GETs. */
export interface PeerPrincipal {
  userId: 0;
  /** `peer:<the peer node's name>` (or `peer:peer` before any pair model names it). */
  username: string;
  role: 'viewer';
  via: 'peer';
}

export type Principal = UserPrincipal | PeerPrincipal;

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthLevel;
    /** A GET the pair's peer may read too (Authorization: Peer), beside the route's own level. */
    peerRead?: boolean;
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

/** The user behind a request (the peer never reaches a user's route: see the hook below). */
export function requirePrincipal(req: FastifyRequest): UserPrincipal {
  if (!req.principal) throw new HttpError(401, 'unauthenticated', 'log in or send an API token');
  if (req.principal.via === 'peer')
    throw new HttpError(403, 'peer_not_allowed', 'the pair’s peer token is only for the peer routes');
  return req.principal;
}

/** The SHA-256 digests of the peer tokens this node accepts now (none when it is not a pair node). */
function acceptedPeerDigests(app: FastifyInstance): Buffer[] {
  if (!app.config.haNode) return [];
  const tokens = new Set<string>();
  const g = app.gateway;
  const active = g.revisionModel(g.activeRevision())?.ha?.peerToken;
  if (active) tokens.add(active);
  const desired = g.desired().model.ha?.peerToken;
  if (desired) tokens.add(desired);
  if (app.config.haPeerToken) tokens.add(app.config.haPeerToken);
  return [...tokens].map((t) => Buffer.from(sha256(t), 'hex'));
}

/** The other node's name in the pair, as the models this node holds name it. */
function peerName(app: FastifyInstance): string {
  const self = app.config.haNode;
  const g = app.gateway;
  for (const model of [g.revisionModel(g.activeRevision()), g.desired().model]) {
    const other = model?.ha?.nodes.find((n) => n.name !== self);
    if (model?.ha?.nodes.some((n) => n.name === self) && other) return other.name;
  }
  return 'peer';
}

function peerPrincipal(app: FastifyInstance, token: string): PeerPrincipal | null {
  const digest = Buffer.from(sha256(token), 'hex');
  let match = false;
  // Every accepted digest is compared, a match or not: the time taken says nothing about which.
  for (const accepted of acceptedPeerDigests(app)) if (timingSafeEqual(digest, accepted)) match = true;
  return match ? { userId: 0, username: `peer:${peerName(app)}`, role: 'viewer', via: 'peer' } : null;
}

export default fp(
  async (app) => {
    app.decorateRequest('principal', null);
    const tokens = new TokenLookup(app.store.accounts);

    app.addHook('onRequest', async (req: FastifyRequest, _reply: FastifyReply) => {
      const level: AuthLevel = req.routeOptions.config?.auth ?? (req.url.startsWith('/api/') ? 'viewer' : 'public');
      const header = req.headers.authorization;
      if (header?.startsWith('Peer ')) {
        const peer = peerPrincipal(app, header.slice(5).trim());
        if (peer) req.principal = peer;
        else if (level !== 'public')
          throw new HttpError(
            401,
            'unauthenticated',
            app.config.haNode ? 'the peer token is not this pair’s' : 'this node is not part of a pair',
          );
      } else if (header?.startsWith('Bearer ')) {
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
      if (p.via === 'peer') {
        const allowed =
          level === 'peer' || (req.routeOptions.config?.peerRead === true && SAFE_METHODS.has(req.method));
        if (!allowed) throw new HttpError(403, 'peer_not_allowed', 'the pair’s peer token is only for the peer routes');
        return;
      }
      if (level === 'peer') throw new HttpError(403, 'forbidden', 'only the pair’s peer node calls this route');
      if (level === 'admin' && p.role !== 'admin') {
        throw new HttpError(403, 'forbidden', 'this needs the admin role');
      }
    });
  },
  { name: 'gatehouse-auth', dependencies: ['gatehouse-services'] },
);
