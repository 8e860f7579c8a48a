/** The plain-words summary of a change (services/gateway/summary.ts): pure, model in, sentences out. */
import { GatewayModel } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { MAX_SENTENCES, summarizeChange } from '../../src/services/gateway/summary.js';

const base = GatewayModel.parse({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  forwards: [
    { id: 'ssh', name: 'ssh', publicPorts: '2200', target: '192.168.1.2', targetPort: 22 },
    { id: 'ftp', name: 'ftp', publicPorts: '21,2121', target: '192.168.1.2' },
  ],
  ftp: { enabled: true, controlPorts: [21] },
});
const withChange = (change: (m: Record<string, unknown>) => void) => {
  const m = structuredClone(base) as unknown as Record<string, unknown>;
  change(m);
  return GatewayModel.parse(m);
};
const texts = (from: GatewayModel | null, to: GatewayModel | null) => summarizeChange(from, to).map((s) => s.text);

describe('summarizeChange', () => {
  it('says nothing when nothing changed', () => {
    expect(summarizeChange(base, structuredClone(base))).toEqual([]);
  });

  it('names an added forward with its rule, and a helper port added, as the issue words them', () => {
    const to = withChange((m) => {
      (m.forwards as unknown[]).push({
        id: 'web',
        name: 'web',
        publicPorts: '8080',
        target: '192.168.1.2',
        targetPort: 80,
      });
      (m.ftp as { controlPorts: number[] }).controlPorts = [21, 2121];
    });
    expect(texts(base, to)).toEqual(['forward web added: tcp 8080 -> 192.168.1.2:80', 'FTP helper now also on 2121']);
    const [added] = summarizeChange(base, to);
    expect(added).toMatchObject({ code: 'forward-added', params: { id: 'web', rule: 'tcp 8080 -> 192.168.1.2:80' } });
  });

  it('names removed, changed, disabled and renamed forwards', () => {
    const changed = withChange((m) => {
      const [f] = m.forwards as Array<Record<string, unknown>>;
      Object.assign(f as object, {
        publicPorts: '2222',
        enabled: false,
        name: 'secure shell',
        allowedSources: ['198.51.100.0/24'],
      });
    });
    expect(texts(base, changed)).toEqual([
      'forward ssh changed: tcp 2222 -> 192.168.1.2:22 from 198.51.100.0/24 (was tcp 2200 -> 192.168.1.2:22)',
      'forward ssh disabled',
      'forward ssh renamed to "secure shell"',
    ]);
    expect(
      texts(
        base,
        withChange((m) => (m.forwards = (m.forwards as Array<{ id: string }>).filter((f) => f.id !== 'ssh'))),
      ),
    ).toEqual(['forward ssh removed (was tcp 2200 -> 192.168.1.2:22)']);
  });

  it('covers the FTP policy, interfaces, masquerade and filter', () => {
    const to = withChange((m) => {
      m.ftp = { enabled: true, controlPorts: [2121], servers: ['192.168.1.2'], passiveOnly: true };
      m.interfaces = { wan: 'eth2', lan: ['eth1', 'eth3'] };
      m.masquerade = { forwardedServers: false, lanToWan: true };
      m.filter = { policy: 'drop', allowLanToWan: true };
    });
    expect(summarizeChange(base, to).map((s) => s.code)).toEqual([
      'wan-changed',
      'lan-changed',
      'ftp-ports-added',
      'ftp-ports-removed',
      'ftp-servers',
      'passive-only-on',
      'masquerade-changed',
      'filter-changed',
    ]);
    expect(
      texts(
        base,
        withChange((m) => ((m.ftp as { enabled: boolean }).enabled = false)),
      ),
    ).toEqual(['FTP helper turned off']);
  });

  it('says what a first apply and a removal do', () => {
    expect(texts(null, base)).toEqual(['first apply: creates table gatehouse with 2 forwards']);
    expect(texts(base, null)).toEqual(['table gatehouse removed: nothing applied']);
    expect(texts(null, null)).toEqual([]);
  });

  it('stops at MAX_SENTENCES and counts the rest in one sentence', () => {
    const many = withChange((m) => {
      (m.forwards as unknown[]).push(
        ...Array.from({ length: MAX_SENTENCES + 10 }, (_, i) => ({
          id: `f${i}`,
          name: `f${i}`,
          publicPorts: String(10000 + i),
          target: '192.168.1.2',
        })),
      );
    });
    const out = summarizeChange(base, many);
    expect(out).toHaveLength(MAX_SENTENCES + 1);
    expect(out.at(-1)).toMatchObject({ code: 'more', params: { count: 10 } });
  });
});
