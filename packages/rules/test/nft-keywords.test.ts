/**
 * The generated keyword list (src/nft-keywords.ts) against the installed nft,
 * in a namespace created for the test: every listed word is refused as a
 * table name, and every other candidate word from nft's own binary and
 * library is accepted. An nft upgrade that adds or drops keywords fails here;
 * `npm run keywords:update -w @gatehouse/rules` regenerates the list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateWords, checkLines, tableLines } from '../scripts/nft-keyword-probe.mjs';
import { NFT_KEYWORD_TABLE_NAMES } from '../src/nft-keywords.js';
import { createNetns, type TestNetns } from './support/netns.js';

/** nft stops after 10 errors; each word has two lines, and its first one errors. */
const WORDS_PER_CALL = 5;

describe('nft keywords as table names', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('keywords');
  });
  afterAll(() => ns?.destroy());

  it('nft refuses every listed word', () => {
    const accepted: string[] = [];
    for (let i = 0; i < NFT_KEYWORD_TABLE_NAMES.length; i += WORDS_PER_CALL) {
      const words = NFT_KEYWORD_TABLE_NAMES.slice(i, i + WORDS_PER_CALL);
      const perWord = tableLines('x').length;
      const flagged = new Set(checkLines(ns.name, words.flatMap(tableLines)).map((l) => Math.floor((l - 1) / perWord)));
      accepted.push(...words.filter((_, j) => !flagged.has(j)));
    }
    expect(accepted, 'listed words nft accepts as table names: regenerate the list').toEqual([]);
  });

  it('nft accepts every other candidate word', () => {
    const listed = new Set(NFT_KEYWORD_TABLE_NAMES);
    const others = candidateWords().filter((w) => !listed.has(w));
    expect(others.length).toBeGreaterThan(1000);
    // All in one call: nft accepts the whole batch or points at the lines it refuses.
    const perWord = tableLines('x').length;
    const refused = [
      ...new Set(checkLines(ns.name, others.flatMap(tableLines)).map((l) => others[Math.floor((l - 1) / perWord)])),
    ];
    expect(refused, 'unlisted words nft refuses as table names: regenerate the list').toEqual([]);
  });

  it('the probe points at the lines of a refused word only (so both checks above can fail)', () => {
    const flagged = checkLines(ns.name, [...tableLines('gatehouse_test'), ...tableLines('th')]);
    expect(flagged).toEqual([3, 4]);
  });
});
