#!/usr/bin/env node
/**
 * `npm run install-gateway [-- --root DIR] [--no-start]`: installs Gatehouse
 * on this Debian gateway (as root): the server, rules library and web UI with
 * production dependencies in /opt/gatehouse, the hardened systemd units, and a
 * configuration file in /etc/gatehouse (kept if it exists). With --root the
 * same tree is laid under DIR instead (packaging, tests) and systemd is left
 * alone.
 *
 * Boot persistence: the panel writes /etc/nftables.d/gatehouse.nft on every
 * confirmed apply; gatehouse-rules.service loads it at boot. The operator's
 * own /etc/nftables.conf is never replaced or edited.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { log, requireRoot, root, setup } from './setup.mjs';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: '/' },
    'no-start': { type: 'boolean', default: false },
    'skip-build': { type: 'boolean', default: false },
  },
});
const dest = values.root;
const live = dest === '/';
requireRoot('install-gateway');
if (!values['skip-build']) setup();

const at = (p) => join(dest, p);
function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

log(`installing into ${live ? '/' : dest}`);
run('bash', [join(root, 'deploy/stage.sh'), at('opt/gatehouse')]);

mkdirSync(at('etc/systemd/system'), { recursive: true });
for (const unit of ['gatehouse.service', 'gatehouse-rules.service']) {
  copyFileSync(join(root, 'deploy', unit), at(`etc/systemd/system/${unit}`));
  chmodSync(at(`etc/systemd/system/${unit}`), 0o644);
}
mkdirSync(at('etc/gatehouse'), { recursive: true, mode: 0o700 });
const envFile = at('etc/gatehouse/gatehouse.env');
if (existsSync(envFile)) log(`${envFile} exists: kept as it is`);
else {
  copyFileSync(join(root, 'deploy/gatehouse.env'), envFile);
  chmodSync(envFile, 0o600);
}
mkdirSync(at('etc/nftables.d'), { recursive: true });
mkdirSync(at('etc/modules-load.d'), { recursive: true });

if (live && existsSync('/usr/bin/systemctl') && existsSync('/run/systemd/system')) {
  run('systemctl', ['daemon-reload']);
  run('systemctl', ['enable', 'gatehouse-rules.service', 'gatehouse.service']);
  if (!values['no-start']) run('systemctl', ['restart', 'gatehouse.service']);
  log(
    'installed; `journalctl -u gatehouse` shows the first admin password if none was set in /etc/gatehouse/gatehouse.env',
  );
} else {
  log(live ? 'installed; systemd is not running here, so nothing was enabled' : `installed under ${dest}`);
}
