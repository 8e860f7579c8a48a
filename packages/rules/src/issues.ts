/**
 * Stable codes and parameters for validation problems, so that a client can
 * say them in its own language while the API keeps the English message for
 * scripts. The model's own rules name their code in the issue's `params`
 * (`params: { code: 'forward.ports_overlap', proto, ports, other }`); zod's
 * built-in issues (too_big, invalid_type, invalid_format, ...) are mapped
 * here by what they are, and the few regex checks whose hint matters by
 * their pattern.
 */

/** Values a problem's parameters carry: what the English message quotes. */
export type IssueParams = Record<string, string | number>;

/** The codes of the model's own rules (custom issues and regex formats). */
export const MODEL_ISSUE_CODES = [
  'ports.format',
  'ports.out_of_range',
  'ports.backwards',
  'ports.overlap_in_list',
  'sources.same',
  'sources.within',
  'sources.covers',
  'sources.map_budget',
  'sources.map_budget_total',
  'target_port.needs_single_range',
  'target_port.past_65535',
  'public_ports.shift_too_wide',
  'interfaces.lan_is_wan',
  'interfaces.lan_twice',
  'interface.dot',
  'interface.format',
  'id.format',
  'id.taken_by_forward',
  'id.taken_by_gateway_forward',
  'table.format',
  'table.keyword',
  'prefix.format',
  'prefix.host_bits',
  'text.forbidden_chars',
  'ftp.control_port_twice',
  'ftp.passive_only_needs_helper',
  'ftp.port_not_exposed',
  'ftp.port_not_exposed_on',
  'ftp.server_not_forwarded',
  'gateway_forward.port_taken',
  'forward.shadows_gateway_forward',
  'forward.ports_overlap',
  'ha.address_format',
  'ha.secret_chars',
  'ha.same_name',
  'ha.same_priority',
  'ha.same_sync_address',
  'ha.same_api',
  'ha.same_router_id',
  'ha.sync_interface_taken',
  'ha.peer_token_short',
  'ha.secret_masked',
  'tftp.port_twice',
  'tftp.port_not_exposed',
  'tftp.port_not_exposed_on',
  'tftp.server_not_forwarded',
  'ftps.passive_one_range',
  'ftps.needs_tcp',
  'ftps.passive_overlaps_own',
  'ftps.passive_shadows_gateway_forward',
  'ftps.passive_overlap',
  'ftps.passive_only_on',
  'ftp.passive_only_with_ftps',
  'forward.ports_in_ftps_range',
  'reflection.address_twice',
] as const;
export type ModelIssueCode = (typeof MODEL_ISSUE_CODES)[number];

/** The codes zod's built-in issues map to (see issueDetail). */
export const GENERIC_ISSUE_CODES = [
  'invalid',
  'required',
  'invalid_type',
  'too_long',
  'too_short',
  'too_many',
  'too_few',
  'too_big',
  'too_small',
  'invalid_ipv4',
  'invalid_cidr',
  'invalid_format',
  'invalid_value',
  'unrecognized_keys',
] as const;
export type GenericIssueCode = (typeof GENERIC_ISSUE_CODES)[number];

/** Params of a custom issue: its code and what its message quotes. */
export const coded = (code: ModelIssueCode, params: IssueParams = {}) => ({ code, ...params });

const FORMAT_CODES = new Map<string, ModelIssueCode>();

/** Registers a regex check's code by its pattern (zod reports `pattern: re.toString()`); returns the regex. */
export function codedPattern(re: RegExp, code: ModelIssueCode): RegExp {
  FORMAT_CODES.set(re.toString(), code);
  return re;
}

/** The part of a zod issue (or of fastify-type-provider-zod's copy of one) this module reads. */
export interface IssueLike {
  readonly code?: string | undefined;
}

export interface IssueDetail {
  code: string;
  params?: IssueParams;
}

function primitive(value: unknown): string | number | undefined {
  if (typeof value === 'string' || typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return undefined;
}

function only(params: Record<string, unknown>): IssueParams {
  const out: IssueParams = {};
  for (const [k, v] of Object.entries(params)) {
    const p = primitive(v);
    if (p !== undefined && k !== 'code') out[k] = p;
  }
  return out;
}

const list = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : '');

/** A stable code and its parameters for one zod issue. */
export function issueDetail(like: IssueLike): IssueDetail {
  const issue = like as Record<string, unknown>;
  const origin = issue.origin;
  switch (issue.code) {
    case 'custom': {
      const params = issue.params as Record<string, unknown> | undefined;
      const code = params && typeof params.code === 'string' ? params.code : 'invalid';
      return { code, params: params ? only(params) : {} };
    }
    case 'invalid_type':
      return { code: 'invalid_type', params: { expected: String(issue.expected ?? '') } };
    case 'too_big': {
      const maximum = Number(issue.maximum);
      if (origin === 'string') return { code: 'too_long', params: { maximum } };
      if (origin === 'array' || origin === 'set') return { code: 'too_many', params: { maximum } };
      return { code: 'too_big', params: { maximum } };
    }
    case 'too_small': {
      const minimum = Number(issue.minimum);
      if (origin === 'string') return minimum <= 1 ? { code: 'required' } : { code: 'too_short', params: { minimum } };
      if (origin === 'array' || origin === 'set') return { code: 'too_few', params: { minimum } };
      return { code: 'too_small', params: { minimum } };
    }
    case 'invalid_format': {
      if (issue.format === 'regex') {
        const known = FORMAT_CODES.get(String(issue.pattern));
        if (known) return { code: known };
      }
      if (issue.format === 'ipv4') return { code: 'invalid_ipv4' };
      if (issue.format === 'cidrv4') return { code: 'invalid_cidr' };
      return { code: 'invalid_format', params: { format: String(issue.format ?? '') } };
    }
    case 'invalid_value':
      return { code: 'invalid_value', params: { values: list(issue.values) } };
    case 'unrecognized_keys':
      return { code: 'unrecognized_keys', params: { keys: list(issue.keys) } };
    default:
      return { code: 'invalid' };
  }
}

/** One zod issue as a field problem: dotted path (after `prefix`), English message, code and params. */
export function describeIssue(
  issue: IssueLike & { path: readonly PropertyKey[]; message: string },
  prefix: readonly (string | number)[] = [],
): { path: string; message: string; code: string; params: IssueParams } {
  const { code, params } = issueDetail(issue);
  return { path: [...prefix, ...issue.path].map(String).join('.'), message: issue.message, code, params: params ?? {} };
}
