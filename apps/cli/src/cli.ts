#!/usr/bin/env node
/** `gatehouse`: the command-line client. Talks to the server's HTTP API only. */
import { main } from './commands.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
main(process.argv.slice(2), {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
