/**
 * Keeping what leaves the server small whatever came in: error bodies list the
 * first problems and count the rest, and no text taken from a request (a value
 * quoted in a message, a path, a URL) is echoed longer than a fixed length.
 */
import type { FieldProblem, IssueParams } from '@gatehouse/rules';

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

/** Most parameters a problem or error carries; each string value is cut to 200 characters. */
const MAX_PARAMS = 10;

/** An error's or problem's params, bounded like its message: they quote request values too. */
export function boundParams(params: IssueParams): IssueParams {
  const out: IssueParams = {};
  for (const [key, value] of Object.entries(params).slice(0, MAX_PARAMS)) {
    out[truncate(key, 50)] = typeof value === 'string' ? truncate(value, 200) : value;
  }
  return out;
}

/**
 * The first MAX_PROBLEMS of a list (read lazily: `map` runs only on those), each path, message and
 * parameter truncated. Every problem has a code: `invalid` when whoever raised it named none.
 */
export function boundProblems<T>(all: readonly T[], map: (item: T) => FieldProblem): BoundedProblems {
  const problems: FieldProblem[] = [];
  for (let i = 0; i < all.length && problems.length < MAX_PROBLEMS; i++) {
    const p = map(all[i] as T);
    problems.push({
      path: truncate(p.path, 200),
      message: truncate(p.message),
      code: truncate(p.code ?? 'invalid', 100),
      params: boundParams(p.params ?? {}),
    });
  }
  return { problems, problemCount: all.length };
}
