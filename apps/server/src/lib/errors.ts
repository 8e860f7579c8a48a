/**
 * Errors that routes and services throw on purpose; the one error handler
 * turns them into responses. Anything else becomes a 500 with no detail.
 * The code is stable and `params` holds the values the English message
 * quotes, so a client can say it in its own language; the message stays
 * English for scripts.
 */
import type { FieldProblem, IssueParams } from '@gatehouse/rules';

export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: string;
  readonly problems: FieldProblem[] | undefined;
  readonly params: IssueParams | undefined;
  readonly extra: Record<string, unknown>;
  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { problems?: FieldProblem[]; params?: IssueParams; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
    this.problems = options.problems;
    this.params = options.params;
    this.extra = options.extra ?? {};
  }
}

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export class ApplyBusyError extends HttpError {
  constructor() {
    super(409, 'apply_in_progress', 'another apply or rollback is running; try again when it has finished');
  }
}
