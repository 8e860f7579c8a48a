/**
 * No route shows the pair's secrets: every JSON payload (a model, a
 * revision, an import proposal, an error, an audit page, ...) goes through
 * maskSecrets before it is serialized, so a route added later cannot leak
 * them either. Payloads already serialized (cached pages of flows, event
 * streams) carry no model.
 */
import fp from 'fastify-plugin';
import { maskSecrets } from '../services/ha/secrets.js';

export default fp(
  async (app) => {
    app.addHook('preSerialization', async (_req, _reply, payload) => maskSecrets(payload));
  },
  { name: 'secret-mask' },
);
