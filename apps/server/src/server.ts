#!/usr/bin/env node
/**
 * Production entry point: read the configuration (environment and flags),
 * build the app, listen, and close gracefully on SIGINT/SIGTERM (child
 * processes stopped, store closed) with a hard deadline.
 */
import { createRunner, prestartStreamHelper } from '@gatehouse/rules';
import { ConfigError, loadConfig } from './config.js';
import { prestartConntrack } from './conntrack/commands.js';
import { loggerOptions } from './lib/log.js';
import { missingNodeFlags } from './node-flags.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`gatehouse: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  // The conntrack event streams and the first dump start now, beside the
  // loading of the app's modules (imported only now, for that reason) and
  // the opening of the store: a million flows take ~4 s to dump, and the
  // app's start-up ~1-1.5 s that the dump no longer waits for (bench 15.6,
  // cold start). ConntrackService.start() takes them over (conntrack/commands.ts).
  if (config.conntrack) {
    prestartStreamHelper();
    prestartConntrack(createRunner(config.netns ? { netns: config.netns } : {}), config.conntrackEventBufferBytes);
  }
  const { buildApp } = await import('./app.js');
  // Bounded serializers: no multi-megabyte URL or error field becomes a log line.
  const app = await buildApp({ config, logger: loggerOptions(config.logLevel) });
  const missing = missingNodeFlags();
  if (missing.length > 0)
    app.log.warn(
      { missing },
      'node was started without the flags the server runs with (node-flags.ts): event-loop delays are longer under load',
    );
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      app.log.error('graceful shutdown took too long; exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  await app.listen({ host: config.listen.host, port: config.listen.port });
}

main().catch((err: unknown) => {
  // A bad setting found while starting (the first admin's password: plugins/services.ts) exits as loadConfig's do.
  if (err instanceof ConfigError) {
    process.stderr.write(`gatehouse: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`gatehouse: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
