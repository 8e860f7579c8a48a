/** The peer token of the ha section: checked on its field with a code; the mask stands for a stored one. */
import { describe, expect, it } from 'vitest';
import { HaSection, SECRET_MASK } from '../../src/ha/schema.js';
import { describeIssues } from '../../src/model.js';
import { LAB_PAIR } from '../support/ha-pair.js';

const problems = (peerToken: unknown) => {
  const r = HaSection.safeParse({ ...LAB_PAIR, peerToken });
  return r.success ? [] : describeIssues(r.error).map((p) => ({ path: p.path, code: p.code, params: p.params }));
};

describe('ha.peerToken', () => {
  it('takes 32 printable characters or more, and the mask', () => {
    expect(problems('x'.repeat(32))).toEqual([]);
    expect(problems(SECRET_MASK)).toEqual([]);
  });
  it('refuses a short, a spaced, a too long or a missing token on the field', () => {
    expect(problems('x'.repeat(31))).toEqual([
      { path: 'peerToken', code: 'ha.peer_token_short', params: { minimum: 32 } },
    ]);
    expect(problems(`${'x'.repeat(32)} y`).map((p) => `${p.path} ${p.code}`)).toEqual(['peerToken ha.secret_chars']);
    expect(problems('x'.repeat(257)).map((p) => `${p.path} ${p.code}`)).toEqual(['peerToken too_long']);
    expect(problems(undefined).map((p) => p.path)).toEqual(['peerToken']);
  });
});
