/**
 * The takeover's pure parts: where the retired tables' deletions go in the
 * script (after our table, one transaction), the script that loads a saved
 * table back whether or not it exists, the chain of revisions a rollback
 * undoes, and the lockout check seeing a retired table that carried the
 * operator's connection (a redirect of public 8443 to the panel's 8080).
 */
import { FakeRunner, type GatewayModel, validateModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { recreateScript, retireLines, Takeover } from '../../src/services/gateway/takeover.js';
import type { Store } from '../../src/store/store.js';

/** nft -j list ruleset of a table with a redirect of 8443 to the panel's 8080 and a forward of 21 (nft 1.0.6). */
const LISTING = `{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "old_nat", "handle": 1}}, {"chain": {"family": "ip", "table": "old_nat", "name": "pre", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "old_nat", "chain": "pre", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 8443}}, {"redirect": {"port": 8080}}]}}, {"rule": {"family": "ip", "table": "old_nat", "chain": "pre", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 21}}, {"dnat": {"addr": "192.168.1.2"}}]}}]}`;

const model = (m: unknown): GatewayModel => {
  const r = validateModel(m);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.model;
};

const CANDIDATE = model({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  forwards: [{ id: 'ftp', name: 'ftp', publicPorts: '21', target: '192.168.1.2' }],
});

/** The operator on the WAN, whose connection reached the panel (8080) through the old table's redirect of 8443. */
const OPERATOR = {
  interface: 'eth0',
  localPort: 8080,
  localAddress: '192.0.2.2',
  remoteAddress: '192.0.2.101',
  localAddresses: ['192.0.2.2', '192.168.1.1'],
};

const takeover = (runner: FakeRunner) => new Takeover({} as Store, runner);

describe('the takeover script', () => {
  it('deletes the retired tables after whatever comes before it', () => {
    expect(
      retireLines([
        { family: 'ip', name: 'my_nat' },
        { family: 'inet', name: 'fw4' },
      ]),
    ).toBe('delete table ip my_nat\ndelete table inet fw4\n');
  });

  it('loads a saved table back as declare, delete, definition (the same whether or not it exists)', () => {
    expect(recreateScript([{ family: 'ip', name: 'my_nat', text: 'table ip my_nat {\n}' }])).toBe(
      'table ip my_nat\ndelete table ip my_nat\ntable ip my_nat {\n}\n',
    );
  });
});

describe('the lockout check of a takeover', () => {
  it('refuses to retire the table that carries the operator to the panel, naming it', async () => {
    const runner = new FakeRunner().onRun('nft', ['-j', 'list', 'ruleset'], { stdout: LISTING });
    const problems = await takeover(runner).lockoutProblems(CANDIDATE, [{ family: 'ip', name: 'old_nat' }], OPERATOR);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.reason).toMatch(/^table ip old_nat, retired by this apply: /);
  });

  it('lets it go when the candidate keeps that way in (a gateway forward 8443 -> 8080)', async () => {
    const runner = new FakeRunner().onRun('nft', ['-j', 'list', 'ruleset'], { stdout: LISTING });
    const keeps = model({
      ...CANDIDATE,
      gatewayForwards: [{ id: 'panel', name: 'panel', publicPort: 8443, localPort: 8080 }],
    });
    expect(await takeover(runner).lockoutProblems(keeps, [{ family: 'ip', name: 'old_nat' }], OPERATOR)).toEqual([]);
  });

  it('has nothing to say for an operator on the LAN, or when nothing is retired', async () => {
    const runner = new FakeRunner().onRun('nft', ['-j', 'list', 'ruleset'], { stdout: LISTING });
    const lan = { ...OPERATOR, interface: 'eth1', localAddress: '192.168.1.1', remoteAddress: '192.168.1.2' };
    expect(await takeover(runner).lockoutProblems(CANDIDATE, [{ family: 'ip', name: 'old_nat' }], lan)).toEqual([]);
    expect(await takeover(runner).lockoutProblems(CANDIDATE, [], OPERATOR)).toEqual([]);
  });

  it('refuses when what the table does cannot be read (force overrides)', async () => {
    const runner = new FakeRunner().onRun('nft', ['-j', 'list', 'ruleset'], { exitCode: 1, stderr: 'nope' });
    const problems = await takeover(runner).lockoutProblems(CANDIDATE, [{ family: 'ip', name: 'old_nat' }], OPERATOR);
    expect(problems[0]?.reason).toMatch(/could not be read/);
  });
});
