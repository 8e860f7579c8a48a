/**
 * The application as a Fastify plugin, in layers: external plugins (helmet,
 * cookies, OpenAPI, static UI), then the application services
 * (store, gateway, conntrack) and authentication, then the routes under
 * /api/v1, each a thin handler over a service. `buildApp` wraps it in an
 * instance for server.ts and for tests (`app.inject`, no port needed).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Runner } from '@gatehouse/rules';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { ServerConfig } from './config.js';
import { loggerOptions } from './lib/log.js';
import { loadTls } from './lib/tls.js';
import authPlugin, { CSRF_HEADER, SESSION_COOKIE } from './plugins/auth.js';
import errorsPlugin, { frameworkErrors } from './plugins/errors.js';
import metricsPlugin from './plugins/metrics.js';
import secretMask from './plugins/secret-mask.js';
import securityHeaders from './plugins/security-headers.js';
import servicesPlugin from './plugins/services.js';
import applyRoutes from './routes/apply.js';
import authRoutes from './routes/auth.js';
import configRoutes from './routes/config.js';
import conntrackRoutes from './routes/conntrack.js';
import driftRoutes from './routes/drift.js';
import eventRoutes from './routes/events.js';
import forwardHitsRoutes from './routes/forward-hits.js';
import forwardsBulkRoutes from './routes/forwards-bulk.js';
import forwardsImportRoutes from './routes/forwards-import.js';
import ftpDiagnosisRoutes from './routes/ftp-diagnosis.js';
import gatewayForwardRoutes from './routes/gateway-forwards.js';
import gatewaySettingsRoutes from './routes/gateway-settings.js';
import importRoutes from './routes/import.js';
import metricsRoutes from './routes/metrics.js';
import pairRoutes from './routes/pair.js';
import peerRoutes from './routes/peer.js';
import pendingRoutes from './routes/pending.js';
import revisionRestoreRoutes from './routes/revision-restore.js';
import sessionRoutes from './routes/session.js';
import statusRoutes from './routes/status.js';
import statusHistoryRoutes from './routes/status-history.js';

/** For embedding the server (the CLI's tests): the same validated configuration server.ts reads. */
export { ConfigError, loadConfig, ServerConfig } from './config.js';

export const API_PREFIX = '/api/v1';
export const VERSION = '0.1.0';

export interface AppOptions {
  config: ServerConfig;
  runner?: Runner;
  announce?: (text: string) => void;
}

/** The built web UI: GATEHOUSE_WEB_DIR, or apps/web/dist next to this package. */
function webDir(config: ServerConfig): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidate = config.webDir ?? resolve(here, '../../web/dist');
  return existsSync(join(candidate, 'index.html')) ? candidate : null;
}

export const gatehouseApp: FastifyPluginAsync<AppOptions> = async (app, opts) => {
  const { config } = opts;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  await app.register(errorsPlugin);
  await app.register(securityHeaders);
  await app.register(secretMask);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse API',
        version: VERSION,
        description:
          'Admin API of a Linux NAT gateway (nftables). Authenticate with a session (POST /api/v1/auth/login; ' +
          `state-changing requests then need the ${CSRF_HEADER} header from the login response) or an API token (Authorization: Bearer).`,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });

  await app.register(servicesPlugin, {
    config,
    ...(opts.runner ? { runner: opts.runner } : {}),
    ...(opts.announce ? { announce: opts.announce } : {}),
  });
  await app.register(metricsPlugin);
  await app.register(authPlugin);

  await app.register(
    async (api) => {
      await api.register(authRoutes);
      await api.register(configRoutes);
      await api.register(applyRoutes);
      await api.register(conntrackRoutes);
      await api.register(statusRoutes);
      await api.register(statusHistoryRoutes);
      await api.register(eventRoutes);
      await api.register(forwardsBulkRoutes);
      await api.register(forwardsImportRoutes);
      await api.register(forwardHitsRoutes);
      await api.register(importRoutes);
      await api.register(metricsRoutes);
      await api.register(pendingRoutes);
      await api.register(driftRoutes);
      await api.register(revisionRestoreRoutes);
      await api.register(gatewayForwardRoutes);
      await api.register(gatewaySettingsRoutes);
      await api.register(sessionRoutes);
      await api.register(ftpDiagnosisRoutes);
      await api.register(pairRoutes);
      await api.register(peerRoutes);
      api.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: API_PREFIX },
  );

  const web = webDir(config);
  if (web) {
    await app.register(fastifyStatic, { root: web, wildcard: false });
    app.get('/*', { schema: { hide: true }, config: { auth: 'public' } }, (req, reply) => {
      // Unknown API paths and missing hashed assets are 404s, never the SPA page:
      // a browser given index.html for a script shows a blank page.
      if (req.url.startsWith('/api/') || req.url.startsWith('/assets/')) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
  }
};

export async function buildApp(
  opts: AppOptions & { logger?: FastifyServerOptions['logger'] },
): Promise<FastifyInstance> {
  // TLS files are read (or a self-signed certificate made) before the server exists: Node needs them to create it.
  const tls = await loadTls(opts.config);
  const app = Fastify({
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
    logger: opts.logger ?? loggerOptions(opts.config.logLevel),
    trustProxy: opts.config.trustProxy,
    bodyLimit: 64 * 1024 * 1024,
    // The router's own refusals (a path parameter over maxParamLength, bad
    // percent-encoding) would otherwise echo the whole URL in their body.
    frameworkErrors,
    // Open SSE streams would otherwise hold a graceful close until its deadline.
    forceCloseConnections: true,
    // Fastify's default 10 s for start-up was not enough on a 2-core box under
    // load with 100,000 forwards (the server did not start).
    pluginTimeout: 60_000,
  }).withTypeProvider<ZodTypeProvider>();
  // fastify-plugin: the services decorated inside are visible on the returned instance (tests use them).
  if (tls) app.log.info({ cert: tls.certPath, generated: tls.generated }, 'serving HTTPS');
  await app.register(fp(gatehouseApp, { name: 'gatehouse' }), opts);
  return app;
}
