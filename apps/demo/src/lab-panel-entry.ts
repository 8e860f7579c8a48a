/**
 * Started by lab-panel.ts inside the lab gateway's namespace: the relay from a
 * Unix socket to the panel's port there, then the server itself, in one
 * process. Unix socket paths are not per-namespace, so the launcher on the
 * host can connect to the socket and reach the namespace's loopback.
 *
 * Why one process: the relay used to be a second process that the launcher
 * started, waited on for a "listening" line with no deadline and never
 * watched again; its stderr went to a pipe nobody read. Whatever ended it
 * (a signal, an error on its socket) left no trace, and the launcher waited
 * forever with a healthy server behind it (issue #10: 4 of 9 demo starts).
 * Now the relay lives and dies with the server, and the launcher supervises
 * that one process: its exit ends the wait, with the last lines it printed.
 *
 * Environment: LAB_PANEL_SOCKET (path), LAB_PANEL_PORT (the server's port on
 * 127.0.0.1 in the namespace); everything else is the server's own GATEHOUSE_*.
 * The server is the production entry itself (@gatehouse/server/server), so the
 * demo and the e2e suite start the server exactly as the systemd unit does.
 */
import { chmodSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';

const socketPath = process.env.LAB_PANEL_SOCKET;
const port = Number(process.env.LAB_PANEL_PORT);
if (!socketPath || !Number.isInteger(port) || port < 1) {
  process.stderr.write('lab panel: LAB_PANEL_SOCKET and LAB_PANEL_PORT must be set\n');
  process.exit(2);
}

const relay = createServer((c) => {
  const u = createConnection({ host: '127.0.0.1', port });
  c.pipe(u).pipe(c);
  c.on('error', () => u.destroy());
  u.on('error', () => c.destroy());
});
relay.on('error', (err) => {
  process.stderr.write(`lab panel: the relay on ${socketPath} failed: ${err.message}\n`);
  process.exit(1);
});
rmSync(socketPath, { force: true });
relay.listen(socketPath, () => {
  chmodSync(socketPath, 0o600);
  // The entry reads its configuration from the environment and listens; it exits the process on failure.
  void import('@gatehouse/server/server');
});
