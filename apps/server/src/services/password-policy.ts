/**
 * The one password rule, for every way a password is set: a new user, an
 * admin's reset, a user's own change and the first admin's
 * GATEHOUSE_ADMIN_PASSWORD.
 *
 * Length alone let `aaaaaaaaaa` and the user's own name through. Strength is
 * estimated by zxcvbn-ts (common + English dictionaries, keyboard patterns)
 * with the username as a known input, and must reach score 3 ("safely
 * unguessable: moderate protection from offline slow-hash scenario").
 */
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/**
 * zxcvbn and its dictionaries are loaded when a password is first checked
 * (~0.2 s of module loading, ~0.5 s to build the matchers): not on every
 * server start, where GATEHOUSE_ADMIN_PASSWORD is checked only when the first
 * user is made from it (bench 15.6). The packages ship CommonJS builds.
 */
const load = createRequire(import.meta.url);

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const PASSWORD_MIN_SCORE = 3;
/**
 * zxcvbn's matching grows steeply with length (a 256-character repeated
 * pattern takes ~2 s); only the first 64 characters are estimated, which
 * is far beyond what score 3 needs.
 */
const ESTIMATED_LENGTH = 64;

// C0 controls (NUL included), DEL and the C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

let estimator: ZxcvbnFactory | undefined;
/** Built on first use: loading the dictionaries takes ~0.2 s, which a CLI or a config check need not pay. */
function zxcvbn(): ZxcvbnFactory {
  if (estimator) return estimator;
  const { ZxcvbnFactory: Factory } = load('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = load('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  estimator = new Factory({
    maxLength: ESTIMATED_LENGTH,
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
  });
  return estimator;
}

/** One reason a password is refused: English for scripts, a code and params for clients that translate. */
export interface PasswordIssue {
  message: string;
  code: string;
  params: Record<string, string | number>;
}

/** The checks that need no username and no dictionary (cheap; used by the field schemas as well). */
export function passwordShapeIssues(password: string): PasswordIssue[] {
  const issues: PasswordIssue[] = [];
  if (password.length < PASSWORD_MIN_LENGTH) {
    issues.push({
      message: `use at least ${PASSWORD_MIN_LENGTH} characters`,
      code: 'too_short',
      params: { minimum: PASSWORD_MIN_LENGTH },
    });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    issues.push({
      message: `use at most ${PASSWORD_MAX_LENGTH} characters`,
      code: 'too_long',
      params: { maximum: PASSWORD_MAX_LENGTH },
    });
  }
  if (CONTROL.test(password)) {
    issues.push({
      message: 'control characters (NUL, newline, tab, ...) are not allowed',
      code: 'password.control_chars',
      params: {},
    });
  }
  return issues;
}

export function passwordShapeProblems(password: string): string[] {
  return passwordShapeIssues(password).map((i) => i.message);
}

/**
 * Why `password` is not acceptable for `username`; empty when it is. The
 * messages are meant for the operator, field by field (zxcvbn's own warning
 * and suggestions included).
 */
export function passwordIssues(password: string, username: string): PasswordIssue[] {
  const shape = passwordShapeIssues(password);
  if (shape.length > 0) return shape;
  const name = username.toLowerCase();
  if (name !== '' && password.toLowerCase().includes(name)) {
    return [
      { message: 'the password must not be or contain the username', code: 'password.contains_username', params: {} },
    ];
  }
  const result = zxcvbn().check(password, [username]);
  if (result.score >= PASSWORD_MIN_SCORE) return [];
  const hints = [result.feedback.warning, ...result.feedback.suggestions].filter((s): s is string => !!s);
  return [
    {
      message: `too easy to guess (strength ${result.score} of 4, needs ${PASSWORD_MIN_SCORE})${hints.length ? `: ${hints.join(' ')}` : ''}`,
      // zxcvbn's hints are English only: a translating client says the strength.
      code: 'password.weak',
      params: { score: result.score, needs: PASSWORD_MIN_SCORE },
    },
  ];
}

export function passwordProblems(password: string, username: string): string[] {
  return passwordIssues(password, username).map((i) => i.message);
}
