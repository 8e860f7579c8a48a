/**
 * The peer routes of an HA pair (issue #16): the other node's panel checks,
 * applies, confirms and undoes a revision of the pair here, and reads this
 * node's state. Only the peer may call them (`auth: 'peer'`: Authorization:
 * Peer <token>, plugins/auth.ts); sessions and API tokens get 403. The work
 * is services/ha/pair-peer.ts; refusals are 409/422 peer_refused {node, reason}.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ErrorBody } from '../schemas/common.js';
import {
  PeerApplyBody,
  PeerApplyResult,
  PeerCheckBody,
  PeerCheckResult,
  PeerConfirmResult,
  PeerOriginBody,
  PeerRollbackResult,
  PeerState,
} from '../schemas/peer.js';

const refusals = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 422: ErrorBody } as const;

const routes: FastifyPluginAsyncZod = async (app) => {
  const peer = app.gateway.peer;

  app.post(
    '/peer/check',
    {
      config: { auth: 'peer' },
      schema: {
        tags: ['pair'],
        summary:
          "Peer only: would this node take the pair's revision? Schema, its name in the pair, not busy, nothing provisional, nft -c",
        body: PeerCheckBody,
        response: { 200: PeerCheckResult, ...refusals },
      },
    },
    async (req) => peer.check(req.body.model),
  );

  app.post(
    '/peer/apply',
    {
      config: { auth: 'peer' },
      schema: {
        tags: ['pair'],
        summary:
          "Peer only: apply the pair's revision on this node as a whole; it becomes the desired model, recorded with its origin",
        body: PeerApplyBody,
        response: { 200: PeerApplyResult, ...refusals },
      },
    },
    async (req) => peer.apply(req.body),
  );

  app.post(
    '/peer/confirm',
    {
      config: { auth: 'peer' },
      schema: {
        tags: ['pair'],
        summary: "Peer only: confirm this node's provisional copy of the origin's revision",
        body: PeerOriginBody,
        response: { 200: PeerConfirmResult, ...refusals },
      },
    },
    async (req) => peer.confirm(req.body.origin, req.body.actor ?? 'peer'),
  );

  app.post(
    '/peer/rollback',
    {
      config: { auth: 'peer' },
      schema: {
        tags: ['pair'],
        summary:
          "Peer only: undo this node's copy of the origin's revision if it is the active one (its parent restored); otherwise nothing",
        body: PeerOriginBody,
        response: { 200: PeerRollbackResult, ...refusals },
      },
    },
    async (req) => peer.rollback(req.body.origin, req.body.actor ?? 'peer'),
  );

  app.get(
    '/peer/state',
    {
      config: { auth: 'peer' },
      schema: {
        tags: ['pair'],
        summary: "Peer only: this node's active revision, where it came from, and whether it is provisional",
        response: { 200: PeerState, 401: ErrorBody, 403: ErrorBody },
      },
    },
    async () => peer.state(),
  );
};

export default routes;
