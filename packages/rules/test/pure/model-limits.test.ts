/**
 * Issue #10, the model side: no input makes validation throw, every string
 * and list has a limit, and the valid-looking models nft refused (overlapping
 * sources, keyword table names, oversized source-limited maps) are reported
 * on the field concerned. Each case starts from a valid model.
 */
import { describe, expect, it } from 'vitest';
import { ForwardPortIndex } from '../../src/forward-index.js';
import { GatewayModel, type GatewayModelInput, MAX_SOURCE_MAP_ELEMENTS, NFT_RESERVED_NAMES } from '../../src/model.js';
import { NFT_KEYWORD_TABLE_NAMES } from '../../src/nft-keywords.js';
import { parsePortSpec } from '../../src/ports.js';
import { prefixOverlaps } from '../../src/prefixes.js';
import { base, expectProblem, problems } from '../support/model-problems.js';

const fwd = (m: GatewayModelInput, i: number) => (m.forwards ?? [])[i]!;

describe('invalid fields reach the semantic rules without breaking them', () => {
  it.each(['abc', '0', '80,', '1-100,50-60', ''])(
    'FTP helper on, publicPorts %j: a field error, no exception',
    (spec) => {
      const m = base();
      fwd(m, 0).publicPorts = spec;
      expect(() => GatewayModel.safeParse(m)).not.toThrow();
      expect(problems(m).some((p) => p.path === 'forwards.0.publicPorts')).toBe(true);
    },
  );
  it('an invalid target port with the helper on is a field error', () => {
    const m = base();
    fwd(m, 0).targetPort = 0.5;
    expectProblem(m, 'forwards.0.targetPort', /whole number/);
  });
  it('a 4 MB publicPorts is refused on its length before any parsing', () => {
    const m = base();
    fwd(m, 0).publicPorts = '1,'.repeat(2 * 1024 * 1024);
    const started = performance.now();
    expect(problems(m)).toContainEqual({ path: 'forwards.0.publicPorts', message: expect.stringMatching(/1024/) });
    expect(performance.now() - started).toBeLessThan(500);
    expect(parsePortSpec('1,'.repeat(2 * 1024 * 1024))).toMatchObject({ ok: false });
  });
});

describe('every string and list has a limit', () => {
  const huge = 'a'.repeat(100_000);
  it.each<[string, (m: GatewayModelInput) => void, RegExp]>([
    [
      'forwards.0.id',
      (m) => {
        fwd(m, 0).id = huge;
      },
      /at most 40/,
    ],
    [
      'forwards.0.name',
      (m) => {
        fwd(m, 0).name = huge;
      },
      /at most 64/,
    ],
    [
      'forwards.0.comment',
      (m) => {
        fwd(m, 0).comment = huge;
      },
      /at most 256/,
    ],
    [
      'forwards.0.target',
      (m) => {
        fwd(m, 0).target = huge;
      },
      /at most 15/,
    ],
    [
      'forwards.0.allowedSources.0',
      (m) => {
        fwd(m, 0).allowedSources = [huge];
      },
      /at most 18/,
    ],
    [
      'forwards.0.allowedSources',
      (m) => {
        fwd(m, 0).allowedSources = Array(65).fill('10.0.0.1');
      },
      /at most 64/,
    ],
    [
      'interfaces.wan',
      (m) => {
        m.interfaces.wan = huge;
      },
      /at most 15/,
    ],
    [
      'interfaces.lan',
      (m) => {
        m.interfaces.lan = Array.from({ length: 17 }, (_, i) => `l${i}`);
      },
      /at most 16/,
    ],
    [
      'table',
      (m) => {
        m.table = huge;
      },
      /at most 32/,
    ],
    [
      'gatewayForwards.0.name',
      (m) => {
        (m.gatewayForwards ?? [])[0]!.name = huge;
      },
      /at most 64/,
    ],
    [
      'ftp.servers',
      (m) => {
        m.ftp = { enabled: true, servers: Array(257).fill('192.168.1.2') };
      },
      /at most 256/,
    ],
  ])('%s', (path, breakIt, message) => {
    const m = base();
    breakIt(m);
    expectProblem(m, path, message);
  });
});

describe('table names nft parses as keywords', () => {
  it.each(['th', 'rt', 'mark', 'socket', 'quota', 'time', 'fwd'])('rejects %s', (table) => {
    expectProblem({ ...base(), table }, 'table', /nftables keyword/);
  });
  it('uses the generated list, which holds more than the words testers found', () => {
    expect(NFT_RESERVED_NAMES.size).toBe(NFT_KEYWORD_TABLE_NAMES.length);
    expect(NFT_KEYWORD_TABLE_NAMES.length).toBeGreaterThan(100);
  });
  it('accepts ordinary names', () => {
    expect(problems({ ...base(), table: 'gatehouse_nat' })).toEqual([]);
  });
});

describe('overlapping or duplicate sources in one forward', () => {
  it('rejects a prefix inside another (nft: "File exists")', () => {
    const m = base();
    fwd(m, 1).allowedSources = ['10.0.0.0/8', '192.0.2.0/24', '10.1.0.0/16'];
    expectProblem(m, 'forwards.1.allowedSources.2', /10\.1\.0\.0\/16 lies within 10\.0\.0\.0\/8/);
  });
  it('reports on the later entry when it covers an earlier one', () => {
    const m = base();
    fwd(m, 1).allowedSources = ['10.1.0.0/16', '0.0.0.0/0'];
    expectProblem(m, 'forwards.1.allowedSources.1', /0\.0\.0\.0\/0 covers 10\.1\.0\.0\/16/);
  });
  it('rejects the same source twice, written two ways', () => {
    const m = base();
    fwd(m, 1).allowedSources = ['203.0.113.7', '203.0.113.7/32'];
    expectProblem(m, 'forwards.1.allowedSources.1', /same source as 203\.0\.113\.7/);
  });
  it('rejects overlapping sources of a gateway forward', () => {
    const m = base();
    (m.gatewayForwards ?? [])[0]!.allowedSources = ['198.51.100.0/24', '198.51.100.128/25'];
    expectProblem(m, 'gatewayForwards.0.allowedSources.1', /lies within 198\.51\.100\.0\/24/);
  });
  it('accepts adjacent prefixes', () => {
    const m = base();
    fwd(m, 1).allowedSources = ['10.0.0.0/25', '10.0.0.128/25'];
    expect(problems(m)).toEqual([]);
  });
  it('reports each overlapping entry once, in O(k log k)', () => {
    const many = Array.from({ length: 64 }, (_, i) => `10.0.${i}.0/24`);
    expect(prefixOverlaps(many)).toEqual([]);
    expect(prefixOverlaps(['10.0.0.0/8', ...many.slice(0, 5)]).map((o) => o.later.index)).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('the source-limited map budget', () => {
  const sources = (k: number) => Array.from({ length: k }, (_, i) => `10.${i}.0.0/16`);
  it('rejects one forward that alone needs more elements than the budget', () => {
    const m = base();
    // 4096 ports x 16 sources x 2 protocols = 131,072.
    m.forwards?.push({
      id: 'big',
      name: 'big',
      protocol: 'both',
      publicPorts: '10000-14095',
      targetPort: 30000,
      target: '192.168.1.9',
      allowedSources: sources(16),
    });
    expectProblem(m, 'forwards.2.allowedSources', /131,072 map elements alone .*at most 65,536/);
  });
  it('rejects the forward that brings the total over the budget, once', () => {
    const m = base();
    // Each: 4096 x 8 = 32,768; the third crosses 65,536.
    for (let i = 0; i < 4; i++) {
      m.forwards?.push({
        id: `s${i}`,
        name: `s${i}`,
        publicPorts: `${10000 + i * 4096}-${10000 + i * 4096 + 4095}`,
        targetPort: 50000,
        target: '192.168.1.9',
        allowedSources: sources(8),
      });
    }
    const found = problems(m);
    expect(found).toEqual([{ path: 'forwards.4.allowedSources', message: expect.stringMatching(/98,304 .* in all/) }]);
  });
  it('counts a same-port range as one key per source', () => {
    const m = base();
    fwd(m, 1).publicPorts = '3000-65000';
    fwd(m, 1).allowedSources = sources(64);
    expect(problems(m)).toEqual([]);
  });
  it('the one-forward index answers "full" where the total would cross, and the model then reports it', () => {
    const m = base();
    const forward = (i: number) => ({
      id: `s${i}`,
      name: `s${i}`,
      publicPorts: `${10000 + i * 4096}-${10000 + i * 4096 + 4095}`,
      targetPort: 50000,
      target: '192.168.1.9',
      allowedSources: sources(8),
    });
    m.forwards?.push(forward(0));
    const model = GatewayModel.parse(m);
    const index = new ForwardPortIndex(model.forwards);
    expect(index.check(model, forward(1), model.forwards.length)).toMatchObject({ kind: 'ok' });
    const two = GatewayModel.parse({ ...m, forwards: [...(m.forwards ?? []), forward(1)] });
    const index2 = new ForwardPortIndex(two.forwards);
    expect(index2.check(two, forward(2), two.forwards.length)).toMatchObject({ kind: 'full' });
    expect(MAX_SOURCE_MAP_ELEMENTS).toBe(65_536);
  });
  it('the one-forward index refuses overlapping sources with the model path', () => {
    const model = GatewayModel.parse(base());
    const index = new ForwardPortIndex(model.forwards);
    const r = index.check(
      model,
      { id: 'n', name: 'n', publicPorts: '8080', target: '192.168.1.4', allowedSources: ['10.0.0.0/8', '10.9.0.0/16'] },
      2,
    );
    expect(r).toMatchObject({
      kind: 'invalid',
      problems: [{ path: 'forwards.2.allowedSources.1', message: expect.stringMatching(/lies within/) }],
    });
  });
});
