#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { LAB_ADDR, LAB_BANNER, LAB_FILES, PASV_PORT_RANGE } from './constants.js';
import { cleanupStale, createLab } from './lab.js';

const USAGE = `usage:
  gatehouse-lab up [--ftp-ports 21,2121] [--no-servers]
      create a lab, print it as JSON, keep it until Ctrl-C (or SIGTERM), then destroy it
  gatehouse-lab cleanup
      delete lab namespaces and temp dirs whose owner process is dead
needs root (network namespaces).`;

async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'ftp-ports': { type: 'string' },
      'no-servers': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const ftpPorts = values['ftp-ports']
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean)
    .map(Number);
  const started = Date.now();
  const lab = await createLab({
    withServers: !values['no-servers'],
    ...(ftpPorts ? { ftpPorts } : {}),
  });
  const info = {
    id: lab.id,
    namespaces: lab.ns,
    addresses: LAB_ADDR,
    gatewayInterfaces: { wan: lab.wan, lan: lab.lan },
    ftpPorts: lab.ftpPorts,
    pasvPortRange: PASV_PORT_RANGE,
    ftpFiles: Object.keys(LAB_FILES),
    banners: { [`${LAB_ADDR.server}:22`]: LAB_BANNER.server, 'gateway:22': LAB_BANNER.gateway },
    dir: lab.dir,
    createdInMs: Date.now() - started,
    try: [
      `ip netns exec ${lab.ns.gateway} nft list ruleset`,
      `ip netns exec ${lab.ns.client} curl -v --disable-epsv --no-ftp-skip-pasv-ip ftp://${LAB_ADDR.gatewayWan}/`,
      `ip netns exec ${lab.ns.gateway} conntrack -L expect`,
    ],
  };
  process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
  process.stderr.write('lab is up; press Ctrl-C to destroy it\n');

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await lab.destroy();
  process.stderr.write(`lab ${lab.id} destroyed\n`);
  return 0;
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (process.getuid?.() !== 0) {
    process.stderr.write('gatehouse-lab needs root (network namespaces)\n');
    return 1;
  }
  switch (command) {
    case 'up':
      return up(rest);
    case 'cleanup': {
      const removed = await cleanupStale();
      process.stdout.write(`${JSON.stringify({ removed }, null, 2)}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command ${command}\n${USAGE}\n`);
      return 1;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gatehouse-lab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
