#!/usr/bin/env node
/**
 * Idempotent setup shared by `npm test`, `npm run demo` and CI: installs the
 * Debian packages the lab needs when any is missing, installs npm
 * dependencies when node_modules is absent or stale, and builds. Uses only
 * node builtins so it runs on a fresh clone before `npm ci`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Debian package -> a file it installs, to tell whether it is there. */
export const APT_PACKAGES = {
  nftables: '/usr/sbin/nft',
  conntrack: '/usr/sbin/conntrack',
  iproute2: '/usr/sbin/ip',
  vsftpd: '/usr/sbin/vsftpd',
  curl: '/usr/bin/curl',
  lftp: '/usr/bin/lftp',
  procps: '/usr/bin/pkill',
  python3: '/usr/bin/python3',
  make: '/usr/bin/make',
  'g++': '/usr/bin/g++',
  chromium: '/usr/bin/chromium',
  'tftpd-hpa': '/usr/sbin/in.tftpd',
  'tftp-hpa': '/usr/bin/tftp',
  iptables: '/usr/sbin/iptables-nft',
  iperf3: '/usr/bin/iperf3',
  keepalived: '/usr/sbin/keepalived',
  conntrackd: '/usr/sbin/conntrackd',
  openssl: '/usr/bin/openssl',
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with ${r.status ?? r.signal}`);
  }
}

export function log(msg) {
  process.stderr.write(`[gatehouse] ${msg}\n`);
}

export function requireRoot(what) {
  if (process.getuid?.() !== 0) {
    log(`${what} needs root: it creates network namespaces and loads nftables rulesets inside them.`);
    log('Nothing on the host firewall is touched. Run it again as root (e.g. with sudo).');
    process.exit(1);
  }
}

export function ensureAptPackages() {
  const missing = Object.entries(APT_PACKAGES)
    .filter(([, file]) => !existsSync(file))
    .map(([pkg]) => pkg);
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // The lab runs these daemons inside its namespaces; none may start as a host
  // service on install, so a policy-rc.d refusing every start is in place for it.
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) {
    writeFileSync(policy, '#!/bin/sh\nexit 101\n');
    chmodSync(policy, 0o755);
  }
  try {
    run('apt-get', ['update', '-q'], { env });
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

export function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

export function build() {
  log('building');
  run('npm', ['run', 'build', '--silent']);
}

export function setup() {
  ensureAptPackages();
  ensureNodeModules();
  build();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setup();
}
