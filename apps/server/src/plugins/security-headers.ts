/**
 * Security headers (helmet), chosen per request by the protocol the browser
 * used. HSTS and CSP `upgrade-insecure-requests` are sent only over TLS: an
 * admin reaching the panel over plain HTTP on a LAN address (the usual way
 * to reach a gateway) would otherwise get every script and stylesheet
 * rewritten to https://, which the server does not serve, and a blank page.
 * (Chromium exempts 127.0.0.1 from the upgrade, which is why loopback never
 * showed it.) Behind a TLS-terminating proxy with trustProxy, req.protocol
 * reads X-Forwarded-Proto, so the proxy's scheme decides.
 */
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import fp from 'fastify-plugin';

const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
};

/** Over TLS: helmet's defaults (HSTS, upgrade-insecure-requests) plus our CSP. */
export const HEADERS_OVER_TLS = {
  contentSecurityPolicy: { directives: DIRECTIVES },
} satisfies Omit<FastifyHelmetOptions, 'global'>;

/**
 * Over plain HTTP: no upgrade of subresources, no HSTS (browsers ignore it over HTTP anyway),
 * and no Cross-Origin-Opener-Policy: Chromium ignores it on an untrustworthy origin (a LAN
 * address over HTTP) and logs a console error for it on every page load.
 */
export const HEADERS_OVER_HTTP = {
  contentSecurityPolicy: { directives: { ...DIRECTIVES, upgradeInsecureRequests: null } },
  strictTransportSecurity: false,
  crossOriginOpenerPolicy: false,
} satisfies Omit<FastifyHelmetOptions, 'global'>;

export default fp(
  async (app) => {
    // global: false, so helmet's own hook sends nothing; this hook sends the set that fits the request.
    await app.register(fastifyHelmet, { global: false });
    app.addHook('onRequest', async (req, reply) => {
      reply.helmet(req.protocol === 'https' ? HEADERS_OVER_TLS : HEADERS_OVER_HTTP);
    });
  },
  { name: 'security-headers' },
);
