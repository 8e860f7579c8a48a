/**
 * check/apply/read-back against a real kernel, each in a throwaway namespace.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compile.js';
import { detectDrift } from '../src/drift.js';
import { GatewayModel } from '../src/model.js';
import { applyRuleset, checkRuleset, NftError, parseNftErrors, readTable, serialized } from '../src/nft.js';
import { createNetns, type TestNetns } from './support/netns.js';

const brief = GatewayModel.parse(JSON.parse(readFileSync(join(import.meta.dirname, '../examples/brief.json'), 'utf8')));

const foreignTable = `table inet fail2ban_like {
	set banned { type ipv4_addr; elements = { 203.0.113.66 } }
	chain input { type filter hook input priority -1; policy accept;
		ip saddr @banned drop
	}
}
table ip docker_like {
	chain DOCKER { type nat hook prerouting priority dstnat; policy accept;
		tcp dport 8080 dnat to 172.17.0.2:80
	}
}
`;

describe('apply in a namespace', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('nft');
  });
  afterAll(() => ns?.destroy());
  const target = () => ({ runner: ns.runner });

  it('applies the brief model and reads our table back', async () => {
    await applyRuleset(compile(brief), target());
    const listing = await readTable('gatehouse', target());
    expect(listing).toContain('ct helper ftp-incoming');
    expect(listing).toContain('1-2221 counter comment "forward server" : 192.168.1.2');
    expect(listing).toContain('redirect to :22 comment "gateway forward ssh-gateway"');
  });

  it('leaves tables owned by other tools untouched across applies', async () => {
    await ns.runner.run('nft', ['-f', '-'], { input: foreignTable });
    const before = (await ns.runner.run('nft', ['list', 'table', 'inet', 'fail2ban_like'])).stdout;
    const dockerBefore = (await ns.runner.run('nft', ['list', 'table', 'ip', 'docker_like'])).stdout;
    await applyRuleset(compile(brief), target());
    await applyRuleset(
      compile({ ...brief, forwards: [], ftp: { ...brief.ftp, enabled: false, servers: [] } }),
      target(),
    );
    expect((await ns.runner.run('nft', ['list', 'table', 'inet', 'fail2ban_like'])).stdout).toBe(before);
    expect((await ns.runner.run('nft', ['list', 'table', 'ip', 'docker_like'])).stdout).toBe(dockerBefore);
  });

  it('a rejected script leaves the running ruleset exactly as it was, and says where', async () => {
    await applyRuleset(compile(brief), target());
    const before = await readTable('gatehouse', target());
    // A valid-looking script with one element nft refuses (a port outside inet_service).
    const broken = compile(brief).replace(
      ': 192.168.1.2,',
      ': 192.168.1.2,\n\t\t\t70000 comment "forward bogus" : 192.168.1.9,',
    );
    const err = await applyRuleset(broken, target()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NftError);
    const nftErr = err as NftError;
    expect(nftErr.diagnostics[0]?.line).toBe(broken.split('\n').findIndex((l) => l.includes('70000')) + 1);
    expect(nftErr.diagnostics[0]?.object).toEqual({ kind: 'forward', id: 'bogus' });
    expect(nftErr.message).toMatch(/nft rejected the ruleset at line \d+/);
    expect(await readTable('gatehouse', target())).toBe(before);
  });

  it('check (nft -c) rejects without changing anything', async () => {
    await applyRuleset(compile(brief), target());
    const before = await readTable('gatehouse', target());
    const otherModel = GatewayModel.parse({ interfaces: { wan: 'eth9', lan: ['eth8'] } });
    await checkRuleset(compile(otherModel), target());
    expect(await readTable('gatehouse', target())).toBe(before);
    await expect(checkRuleset('table ip gatehouse { chain fwd { } }\n', target())).rejects.toBeInstanceOf(NftError);
  });

  it('detects drift: a rule added by hand to our table', async () => {
    await applyRuleset(compile(brief), target());
    const baseline = (await readTable('gatehouse', target())) as string;
    expect((await detectDrift('gatehouse', baseline, target())).drifted).toBe(false);
    await ns.runner.run('nft', [
      'add',
      'rule',
      'ip',
      'gatehouse',
      'dnat_prerouting',
      'tcp',
      'dport',
      '8081',
      'dnat',
      'to',
      '192.168.1.66',
    ]);
    const report = await detectDrift('gatehouse', baseline, target());
    expect(report.drifted).toBe(true);
    expect(report.added.join('\n')).toContain('tcp dport 8081 dnat to 192.168.1.66');
    expect(report.diff).toContain('+tcp dport 8081 dnat to 192.168.1.66');
  });

  it('detects drift: an element deleted by hand, and the table deleted altogether', async () => {
    await applyRuleset(compile(brief), target());
    const baseline = (await readTable('gatehouse', target())) as string;
    await ns.runner.run('nft', ['delete', 'element', 'ip', 'gatehouse', 'forward_tcp_same_range', '{ 2223-65535 }']);
    const report = await detectDrift('gatehouse', baseline, target());
    expect(report.drifted).toBe(true);
    expect(report.removed.join('\n')).toContain('2223-65535');
    await ns.runner.run('nft', ['delete', 'table', 'ip', 'gatehouse']);
    expect((await detectDrift('gatehouse', baseline, target())).missing).toBe(true);
  });

  it('counters are not drift', async () => {
    await applyRuleset(compile(brief), target());
    const baseline = (await readTable('gatehouse', target())) as string;
    const raw = (await ns.runner.run('nft', ['list', 'table', 'ip', 'gatehouse'])).stdout;
    expect(raw).toMatch(/counter packets 0 bytes 0/);
    expect(baseline).not.toMatch(/packets/);
  });
});

describe('serialized applies', () => {
  it('runs applies to one namespace one after another, in order', async () => {
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}`);
      await new Promise((r) => setTimeout(r, ms));
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([
      serialized('x', task('a', 30)),
      serialized('x', task('b', 1)),
      serialized('x', task('c', 10)),
    ]);
    expect(results).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
  it('a failed apply does not block the next one', async () => {
    const failed = serialized('y', async () => {
      throw new Error('boom');
    });
    await expect(failed).rejects.toThrow('boom');
    await expect(serialized('y', async () => 'next')).resolves.toBe('next');
  });
});

describe('nft error parsing', () => {
  it('maps a line to the object named by its comment or enclosing block', () => {
    const script = compile(brief);
    const lines = script.split('\n');
    const helperLine = lines.findIndex((l) => l.includes('ct helper set')) + 1;
    const [d] = parseNftErrors(
      `/dev/stdin:${helperLine}:3-9: Error: Could not process rule: No such file or directory`,
      script,
    );
    expect(d).toMatchObject({ line: helperLine, column: 3, object: { kind: 'ftp' } });
    const gwLine = lines.findIndex((l) => l.includes('gateway forward ssh-gateway')) + 1;
    expect(parseNftErrors(`/dev/stdin:${gwLine}:1-2: Error: x`, script)[0]?.object).toEqual({
      kind: 'gateway-forward',
      id: 'ssh-gateway',
    });
  });
});
