/**
 * nft's refusal names a line of our script; the error reports which object of
 * the model that line belongs to. Every helper kind, reflection and a pair's
 * own rules are named as themselves (TFTP lines were reported as FTP).
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { parseNftErrors } from '../../src/nft.js';
import { goldenCases } from '../support/goldens.js';

function kindAt(caseName: string, pick: (line: string) => boolean) {
  const c = goldenCases.find((g) => g.name === caseName);
  if (!c) throw new Error(`no golden ${caseName}`);
  const script = compile(c.model);
  const line = script.split('\n').findIndex(pick) + 1;
  expect(line).toBeGreaterThan(0);
  const [d] = parseNftErrors(
    `/dev/stdin:${line}:3-9: Error: Could not process rule: No such file or directory`,
    script,
  );
  return d?.object?.kind;
}

describe('the object a refused line belongs to', () => {
  it('a TFTP helper assignment and object are TFTP, an FTP one FTP', () => {
    expect(kindAt('ftp-and-tftp', (l) => l.includes('ct helper set "tftp'))).toBe('tftp');
    expect(kindAt('ftp-and-tftp', (l) => /^\s*type "tftp"/.test(l))).toBe('tftp');
    expect(kindAt('ftp-and-tftp', (l) => l.includes('ct helper set "ftp'))).toBe('ftp');
  });

  it("a pair's FTP data rule and its SNAT are the pair's and masquerade's", () => {
    expect(kindAt('ha-pair', (l) => l.includes('dnat ip to ct mark map'))).toBe('ha');
    expect(kindAt('ha-pair', (l) => l.includes('snat ip to 192.168.1.1'))).toBe('masquerade');
  });
});
