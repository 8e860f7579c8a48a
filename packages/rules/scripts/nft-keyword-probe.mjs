/**
 * Asks the installed nft which words it refuses as a table name. Shared by
 * gen-nft-keywords.mjs (which writes src/nft-keywords.ts) and the kernel test
 * that checks that file against the installed nft.
 *
 * Candidates come from nft's own binary and library: bison keeps every token
 * name (`"th"`, `"quota"`) as a string in its tables, so `strings` finds all
 * the words the scanner may turn into keywords, among much else.
 *
 * nft -c runs in a network namespace of our own (it talks to the kernel even
 * when only checking), so the host's ruleset is never involved.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const NFT = '/usr/sbin/nft';
export const TABLE_NAME_RE = /^[a-z][a-z0-9_]{0,31}$/;

/** The statements a word must survive as a table name: the forms compile() emits. */
export function tableLines(word) {
  return [`table ip ${word} { }`, `delete table ip ${word}`];
}

/** nft's shared library, as the dynamic linker resolves it for the binary. */
export function libnftablesPath() {
  const ldd = execFileSync('ldd', [NFT], { encoding: 'utf8' });
  const m = /libnftables\.so\S*\s+=>\s+(\S+)/.exec(ldd);
  if (!m) throw new Error(`cannot find libnftables in ldd ${NFT}`);
  return m[1];
}

/** Words from nft's binary and library that could be table names, sorted. */
export function candidateWords() {
  const words = new Set();
  for (const file of [NFT, libnftablesPath()]) {
    const text = execFileSync('strings', ['-n', '2', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    for (const w of text.split(/[^a-z0-9_]+/)) if (TABLE_NAME_RE.test(w)) words.add(w);
  }
  return [...words].sort();
}

export function nftVersion() {
  return execFileSync(NFT, ['--version'], { encoding: 'utf8' }).trim();
}

/** A namespace for the duration of fn, removed afterwards whatever happens. */
export function withNetns(fn) {
  const name = `gh-kw-${process.pid}-${randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', name]);
  try {
    return fn(name);
  } finally {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  }
}

/** Runs `nft -c` on the lines; returns the 1-based line numbers nft reported errors on, or [] if it accepted. */
export function checkLines(netns, lines) {
  const r = spawnSync('ip', ['netns', 'exec', netns, NFT, '-c', '-f', '-'], {
    input: `${lines.join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status === 0) return [];
  const errorLines = [...r.stderr.matchAll(/^[^:\n]*:(\d+):\d+(?:-\d+)?: Error: /gm)].map((m) => Number(m[1]));
  // A failure without a line pointer is reported as the whole input being refused.
  return errorLines.length > 0 ? errorLines : lines.map((_, i) => i + 1);
}

/** Whether nft refuses `word` as a table name, checked on its own. */
export function refusesTableName(netns, word) {
  return checkLines(netns, tableLines(word)).length > 0;
}

/**
 * Splits words into those nft refuses as table names and those it accepts.
 * One nft call checks many words; nft stops after 10 errors, so each round
 * takes the words it flagged, confirms each one alone (error recovery can
 * disturb a neighbour), and runs the rest again until nft accepts them all.
 */
export function classifyTableNames(netns, words) {
  const refused = [];
  const accepted = [];
  let pending = [...words];
  const perWord = tableLines('x').length;
  while (pending.length > 0) {
    const lines = pending.flatMap(tableLines);
    const errors = checkLines(netns, lines);
    if (errors.length === 0) {
      accepted.push(...pending);
      break;
    }
    const flagged = new Set(errors.map((line) => pending[Math.floor((line - 1) / perWord)]).filter(Boolean));
    for (const w of flagged) (refusesTableName(netns, w) ? refused : accepted).push(w);
    pending = pending.filter((w) => !flagged.has(w));
  }
  return { refused: refused.sort(), accepted: accepted.sort() };
}
