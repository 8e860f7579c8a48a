/** The text parsers, on real captured conntrack output. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { intToIpv4, ipv4ToInt, parseExpectationLine, parseFlowLine } from '../../src/conntrack/parse.js';

const FIXTURES = '/work/shared/fixtures/conntrack';
const lines = (name: string) => readFileSync(`${FIXTURES}/${name}`, 'utf8').split('\n');

describe('parseFlowLine', () => {
  it('reads the flows of a real list, and skips the summary line', () => {
    const flows = lines('list-flows.txt')
      .map(parseFlowLine)
      .filter((x) => x !== null);
    expect(flows).toHaveLength(3);
    const control = flows[0]?.flow;
    expect(control).toMatchObject({
      protocol: 'tcp',
      protonum: 6,
      state: 'ESTABLISHED',
      timeout: 431998,
      original: { src: '192.0.2.101', dst: '192.0.2.2', sport: 35918, dport: 21 },
      reply: { src: '192.168.1.2', dst: '192.168.1.1', sport: 21, dport: 35918 },
      assured: true,
      unreplied: false,
      mark: 0,
      helper: 'ftp',
      use: 1,
    });
    // No `id=` in this capture: the id falls back to the original tuple.
    expect(control?.id).toBe('t:6|192.0.2.101|192.0.2.2|35918|21');
    expect(flows[2]?.flow.helper).toBeNull();
  });

  it('reads event lines with their type', () => {
    const events = lines('events-flows.txt')
      .map(parseFlowLine)
      .filter((x) => x !== null);
    expect(events).toHaveLength(18);
    expect(events[0]).toMatchObject({ type: 'new', flow: { state: 'SYN_SENT', unreplied: true, helper: 'ftp' } });
    expect(events[1]).toMatchObject({ type: 'update', flow: { state: 'SYN_RECV', unreplied: false } });
  });

  it('tells the ICMP echo id from the flow id (-o id)', () => {
    const p = parseFlowLine(
      '[DESTROY] icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=55 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=55 id=736091619 [USERSPACE] portid=3613961259',
    );
    expect(p?.type).toBe('destroy');
    expect(p?.flow.id).toBe('736091619');
    expect(p?.flow.original.icmp).toEqual({ type: 8, code: 0, id: 55 });
    expect(p?.flow.reply.icmp).toEqual({ type: 0, code: 0, id: 55 });
    const q = parseFlowLine(
      'icmp     1 29 src=10.0.0.1 dst=10.0.0.2 type=8 code=0 id=55 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 type=0 code=0 id=55 mark=0 use=1 id=4219595372',
    );
    expect(q?.flow.id).toBe('4219595372');
  });

  it('reads the kernel id and mark of -o id output', () => {
    const p = parseFlowLine(
      'tcp      6 99 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 [ASSURED] mark=7 use=1 id=674321057',
    );
    expect(p?.flow).toMatchObject({ id: '674321057', mark: 7, assured: true, unreplied: true, state: 'ESTABLISHED' });
    const udp = parseFlowLine(
      'udp      17 29 src=10.0.0.1 dst=10.0.0.2 sport=53 dport=53 [UNREPLIED] src=10.0.0.2 dst=10.0.0.1 sport=53 dport=53 mark=0 use=1 id=1090542791',
    );
    expect(udp?.flow).toMatchObject({ protocol: 'udp', state: null, timeout: 29, id: '1090542791' });
  });

  it('ignores warnings and summaries', () => {
    expect(parseFlowLine('conntrack v1.4.7 (conntrack-tools): 3 flow entries have been shown.')).toBeNull();
    expect(parseFlowLine('')).toBeNull();
  });
});

describe('ipv4ToInt', () => {
  it('reads dotted quads and nothing else', () => {
    expect(ipv4ToInt('192.0.2.101')).toBe(0xc0000265);
    expect(ipv4ToInt('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(intToIpv4(ipv4ToInt('10.1.134.159') as number)).toBe('10.1.134.159');
    for (const bad of [
      '256.1.1.1',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      '1.2.3.',
      '.1.2.3',
      'a.b.c.d',
      '',
      '2001:db8::1',
      '1.2.3.1000',
    ])
      expect(ipv4ToInt(bad), bad).toBeNull();
  });
});

describe('parseExpectationLine', () => {
  it('reads expected, mask and master tuples of a real list', () => {
    const p = parseExpectationLine(lines('list-expect.txt')[0] as string);
    expect(p?.type).toBeNull();
    expect(p?.expectation).toMatchObject({
      timeout: 298,
      protonum: 6,
      protocol: 'tcp',
      expected: { src: '192.0.2.101', dst: '192.0.2.2', sport: 0, dport: 30078 },
      mask: { src: '255.255.255.255', dst: '255.255.255.255', sport: 0, dport: 65535 },
      master: { src: '192.0.2.101', dst: '192.0.2.2', sport: 35918, dport: 21 },
      helper: 'ftp',
      class: 0,
    });
  });

  it('reads expectation events', () => {
    const events = lines('events-expect.txt')
      .map(parseExpectationLine)
      .filter((x) => x !== null);
    expect(events.map((e) => e.type)).toEqual(['new', 'destroy', 'new']);
    expect(events[0]?.expectation.id).toBe(events[1]?.expectation.id);
  });
});
