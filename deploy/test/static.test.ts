/**
 * What can be tested of the container and systemd deployment without a Docker
 * engine or a booted systemd: the files parse and say what a gateway panel
 * needs — host networking, exactly NET_ADMIN and NET_RAW, a state volume, a
 * health check — and the units carry their hardening.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { minVersion, satisfies } from 'semver';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVER_NODE_FLAGS } from '../../apps/server/src/node-flags.js';

const repo = join(import.meta.dirname, '..', '..');
const read = (p: string) => readFileSync(join(repo, p), 'utf8');

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const svc = compose.services.gatehouse as Record<string, unknown>;

  it('parses and builds this repository', () => {
    expect(svc).toBeDefined();
    expect(svc.build).toBe('.');
  });
  it('shares the host network: the panel manages the host gateway', () => {
    expect(svc.network_mode).toBe('host');
    expect(svc.ports).toBeUndefined();
  });
  it('drops every capability and adds back exactly NET_ADMIN and NET_RAW', () => {
    expect(svc.cap_drop).toEqual(['ALL']);
    expect([...(svc.cap_add as string[])].sort()).toEqual(['NET_ADMIN', 'NET_RAW']);
    expect(svc.privileged).toBeUndefined();
    expect(svc.security_opt).toContain('no-new-privileges:true');
  });
  it('keeps state on a named volume at the state directory', () => {
    expect(svc.volumes).toContain('gatehouse-state:/var/lib/gatehouse');
    expect(compose.volumes).toHaveProperty('gatehouse-state');
    expect((svc.environment as Record<string, string>).GATEHOUSE_STATE_DIR).toBe('/var/lib/gatehouse');
  });
  it('checks health on /api/v1/health, with $ escaped from Compose interpolation', () => {
    const hc = svc.healthcheck as { test: string[] };
    expect(hc.test.slice(0, 2)).toEqual(['CMD', 'node']);
    const code = hc.test[3] as string;
    expect(code).toContain('/api/v1/health');
    expect(code).not.toMatch(/(^|[^$])\$\{(h|p)/);
  });
  it('listens on loopback unless told otherwise', () => {
    // A Compose default, not a JS template: '$' + '{...}' keeps linters from reading it as one.
    expect((svc.environment as Record<string, string>).GATEHOUSE_LISTEN).toBe(`$\{GATEHOUSE_LISTEN:-127.0.0.1:8080}`);
  });
});

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  it('builds in one stage and runs on a slim LTS image with nftables, conntrack and iproute2', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:24-bookworm-slim$/m);
    expect(text).toMatch(/^FROM \$\{NODE_IMAGE\} AS build$/m);
    expect(text).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime$/m);
    expect(text).toMatch(/install -y --no-install-recommends nftables conntrack iproute2/);
    expect(text).toMatch(/^HEALTHCHECK .*$/m);
    expect(text).toMatch(/^VOLUME \["\/var\/lib\/gatehouse"\]$/m);
  });
  it('runs the same staging script the deploy tests run', () => {
    expect(text).toContain('bash deploy/stage.sh /opt/gatehouse');
  });
  it('starts the server with the flags it runs with (node-flags.ts)', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(text)?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...SERVER_NODE_FLAGS, 'apps/server/dist/server.js']);
  });
});

describe('the Node version the project declares (package.json engines)', () => {
  it('is one every installed package takes: no dependency wants a newer Node', () => {
    const root = JSON.parse(read('package.json')) as { engines: { node: string } };
    const oldest = minVersion(root.engines.node)?.version as string;
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
    };
    const wantNewer = Object.entries(lock.packages)
      .filter(([, p]) => !Array.isArray(p.engines) && p.engines?.node && !satisfies(oldest, p.engines.node))
      .map(([path, p]) => `${path}@${p.version}: node ${(p.engines as { node: string }).node}`);
    expect(wantNewer, `oldest declared Node ${oldest}`).toEqual([]);
  });
});

describe('the server flags (apps/server/src/node-flags.ts)', () => {
  it('are flags this node takes', () => {
    const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.exit(0)'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
  it('are passed by `npm start` and by the demo', () => {
    const pkg = JSON.parse(read('apps/server/package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe(`node ${SERVER_NODE_FLAGS.join(' ')} dist/server.js`);
    expect(read('apps/demo/src/lab-panel.ts')).toMatch(/process\.execPath, \[\.\.\.SERVER_NODE_FLAGS, /);
  });
});

function unit(path: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of read(path).split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const s = /^\[(.+)\]$/.exec(line);
    if (s) {
      section = s[1] as string;
      continue;
    }
    const [k, ...v] = line.split('=');
    const key = `${section}.${k}`;
    out.set(key, [...(out.get(key) ?? []), v.join('=')]);
  }
  return out;
}

describe('systemd units', () => {
  it('gatehouse.service is hardened and holds only the capabilities it needs', () => {
    const u = unit('deploy/gatehouse.service');
    expect(u.get('Service.CapabilityBoundingSet')).toEqual(['CAP_NET_ADMIN CAP_NET_RAW CAP_SYS_MODULE']);
    for (const [k, v] of [
      ['NoNewPrivileges', 'yes'],
      ['ProtectSystem', 'strict'],
      ['PrivateTmp', 'yes'],
      ['ProtectHome', 'yes'],
      ['PrivateDevices', 'yes'],
      ['ProtectKernelTunables', 'yes'],
      ['RestrictNamespaces', 'yes'],
    ] as const) {
      expect(u.get(`Service.${k}`), k).toEqual([v]);
    }
    // Writes only its state and the boot-persistence files.
    expect(u.get('Service.ReadWritePaths')).toEqual(['/etc/nftables.d /etc/modules-load.d /etc/sysctl.d']);
    expect(u.get('Service.StateDirectory')).toEqual(['gatehouse']);
    expect(u.get('Service.EnvironmentFile')).toEqual(['/etc/gatehouse/gatehouse.env']);
    expect(u.get('Service.ExecStart')).toEqual([
      `/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} /opt/gatehouse/apps/server/dist/server.js`,
    ]);
  });
  it('gatehouse-rules.service loads the persisted table at boot and nothing else', () => {
    const u = unit('deploy/gatehouse-rules.service');
    expect(u.get('Service.ExecStart')).toEqual(['/usr/sbin/nft -f /etc/nftables.d/gatehouse.nft']);
    expect(u.get('Unit.ConditionPathExists')).toEqual(['/etc/nftables.d/gatehouse.nft']);
    expect(u.get('Service.Type')).toEqual(['oneshot']);
  });
  it('systemd-analyze verify finds no error in either unit', () => {
    if (!existsSync('/usr/bin/systemd-analyze')) {
      expect.fail('systemd-analyze is not installed (Debian package systemd)');
    }
    for (const f of ['deploy/gatehouse.service', 'deploy/gatehouse-rules.service']) {
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', join(repo, f)], { encoding: 'utf8' });
      // Missing /opt/gatehouse and /etc/gatehouse on a build machine are expected; syntax errors are not.
      const problems = `${r.stderr}`
        .split('\n')
        .filter(
          (l) =>
            l.trim() &&
            !/No such file or directory|not executable|Failed to prepare filename|Command .* is not executable|System has not been booted with systemd|Failed to connect to bus/.test(
              l,
            ),
        );
      expect(problems, f).toEqual([]);
    }
  });
});

describe('the configuration file installed with the unit', () => {
  it('is valid for the server as it stands', () => {
    const env = Object.fromEntries(
      read('deploy/gatehouse.env')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        `import('${join(repo, 'apps/server/dist/config.js')}').then(m => { const c = m.loadConfig(process.env, []); process.stdout.write(JSON.stringify(c)); })`,
      ],
      {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      },
    );
    expect(out).toContain('"stateDir":"/var/lib/gatehouse"');
  });
});
