#!/usr/bin/env node
/**
 * `npm run demo`: sets up what is missing, then starts the panel on a
 * self-contained lab gateway (apps/demo/src/demo.ts, the one launcher): three network
 * namespaces with a real FTP server, the server inside the gateway
 * namespace, and the panel relayed to the host's 127.0.0.1 without any host
 * interface, route or firewall change. Ctrl-C removes the lab.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { requireRoot, root, setup } from './setup.mjs';

requireRoot('npm run demo');
setup();
const child = spawn(process.execPath, [join(root, 'apps/demo/dist/demo.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: root,
});
// The demo handles Ctrl-C itself (it removes the lab); just pass signals on and mirror its exit.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
