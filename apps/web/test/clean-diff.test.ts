/** lib/clean-diff: the raw nft diff without patch-format noise, as the Apply and History pages show it. */
import { describe, expect, it } from 'vitest';
import { cleanDiff } from '../src/lib/clean-diff';

const raw = [
  'Index: desired',
  '===================================================================',
  '--- revision 1',
  '+++ desired',
  '@@ -36,7 +36,8 @@',
  '   elements = {',
  '-    2022 comment "forward ssh-server" : 192.168.1.2 . 22',
  '+    2022 comment "forward ssh-server" : 192.168.1.2 . 22,',
  '+    2041 comment "forward e2e-pend-web" : 192.168.1.2 . 22',
  '   }',
].join('\n');

describe('cleanDiff', () => {
  it('drops separator and index lines, and a change that is only a trailing comma', () => {
    expect(cleanDiff(raw).split('\n')).toEqual([
      '--- revision 1',
      '+++ desired',
      '@@ -36,7 +36,8 @@',
      '   elements = {',
      '     2022 comment "forward ssh-server" : 192.168.1.2 . 22,',
      '+    2041 comment "forward e2e-pend-web" : 192.168.1.2 . 22',
      '   }',
    ]);
  });

  it('keeps real changes, including a removal next to a comma-only one', () => {
    const d = ['@@ -1,3 +1,2 @@', '-a,', '-b', '+a', ' c'].join('\n');
    expect(cleanDiff(d).split('\n')).toEqual(['@@ -1,3 +1,2 @@', '-b', ' a', ' c']);
    expect(cleanDiff('')).toBe('');
  });
});
