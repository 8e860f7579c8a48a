/**
 * Keeping what leaves the server small whatever came in: error bodies list the
 * first problems and count the rest, and no text taken from a request (a value
 * quoted in a message, a path, a URL) is echoed longer than a fixed length.
 */
import type { FieldProblem } from '@gatehouse/rules';

/** Problems an error body lists; the rest are only counted. */
export const MAX_PROBLEMS = 20;
/** Longest message or path an error body (or a log line) carries. */
export const MAX_TEXT = 500;

/** `text` cut to `max` characters (whole code points), marked with how much was left out. */
export function truncate(text: string, max = MAX_TEXT): string {
  if (text.length <= max) return text;
  let cut = max;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1; // do not split a surrogate pair
  return `${text.slice(0, cut)}… (${text.length - cut} more characters)`;
}

export interface BoundedProblems {
  problems: FieldProblem[];
  /** How many problems there were in all (only the first MAX_PROBLEMS are listed). */
  problemCount: number;
}

/** The first MAX_PROBLEMS of a list (read lazily: `map` runs only on those), each path and message truncated. */
export function boundProblems<T>(all: readonly T[], map: (item: T) => FieldProblem): BoundedProblems {
  const problems: FieldProblem[] = [];
  for (let i = 0; i < all.length && problems.length < MAX_PROBLEMS; i++) {
    const p = map(all[i] as T);
    problems.push({ path: truncate(p.path, 200), message: truncate(p.message) });
  }
  return { problems, problemCount: all.length };
}
