/**
 * The model's field schemas: names, ids, interface and table names,
 * addresses, prefixes, ports and port lists. Every section of the model
 * (model.ts, helper-policy.ts, ha/schema.ts) builds on these; they import
 * nothing from model.ts, so a section can import them without a cycle.
 */
import { z } from 'zod';
import { coded, codedPattern } from './issues.js';
import { NFT_KEYWORD_TABLE_NAMES } from './nft-keywords.js';
import { MAX_PORT_SPEC_LENGTH, parsePortSpec } from './ports.js';

/**
 * Words nft's parser reads as keywords where a table name goes (`fwd`, `th`,
 * `rt`, `mark`, ...): a bare keyword there is a syntax error, not a name. The
 * list is generated from the installed nft (scripts/gen-nft-keywords.mjs) and
 * checked against it by a kernel test, so an nft upgrade that adds keywords
 * is noticed.
 */
export const NFT_RESERVED_NAMES: ReadonlySet<string> = new Set(NFT_KEYWORD_TABLE_NAMES);

/** Longest element or rule comment we generate stays well inside nft's 128-byte limit. */
export const MAX_NAME = 64;

/**
 * Length limits abort: the checks after them (regexes) never see an oversized
 * string, and the model's semantic rules do not run on a model holding one.
 */
export const tooLong = (error: string) => ({ error, abort: true });

export const PrintableText = (max: number, what: string) =>
  z
    .string()
    .max(max, tooLong(`${what} is at most ${max} characters`))
    // nft comments are double-quoted strings with no escape syntax.
    .refine((s) => !/["\\\p{Cc}]/u.test(s), {
      error: `${what} may not contain quotes, backslashes or control characters`,
      params: coded('text.forbidden_chars'),
    });

export const ObjectId = z
  .string()
  .max(40, tooLong('an id is at most 40 characters'))
  .regex(codedPattern(/^[a-z0-9][a-z0-9-]{0,39}$/, 'id.format'), {
    error: 'use 1-40 lowercase letters, digits and dashes, starting with a letter or digit',
  });

/** Linux IFNAMSIZ is 16 including the NUL; '/', ':' and whitespace are rejected by the kernel. */
export const InterfaceName = z
  .string()
  .min(1, { error: 'interface name is required' })
  .max(15, tooLong('Linux interface names are at most 15 characters'))
  .regex(codedPattern(/^[A-Za-z0-9_.@+-]+$/, 'interface.format'), {
    error: 'interface names use letters, digits and . _ - @ + only',
  })
  .refine((s) => s !== '.' && s !== '..', {
    error: '"." and ".." are not interface names',
    params: coded('interface.dot'),
  });

export const TableName = z
  .string()
  .max(32, tooLong('a table name is at most 32 characters'))
  .regex(codedPattern(/^[a-z][a-z0-9_]{0,31}$/, 'table.format'), {
    error: 'use 1-32 lowercase letters, digits and underscores, starting with a letter',
  })
  .refine((s) => !NFT_RESERVED_NAMES.has(s), {
    error: 'this is an nftables keyword; choose another name',
    params: coded('table.keyword'),
  });

export const Ipv4Address = z
  .ipv4({ error: 'expected an IPv4 address such as 192.168.1.2' })
  .max(15, tooLong('an IPv4 address is at most 15 characters'));

export const Ipv4Prefix = z
  .string()
  .max(18, tooLong('a prefix is at most 18 characters (255.255.255.255/32)'))
  .refine((s) => z.cidrv4().safeParse(s).success || z.ipv4().safeParse(s).success, {
    error: 'expected an IPv4 address or prefix such as 203.0.113.0/24',
    params: coded('prefix.format'),
  })
  .refine((s) => hostBitsClear(s), {
    error: 'host bits are set after the prefix length; use the network address (e.g. 203.0.113.0/24)',
    params: coded('prefix.host_bits'),
  });

export const Port = z
  .number({ error: 'expected a port number' })
  .int({ error: 'a port is a whole number' })
  .min(1, { error: 'ports start at 1' })
  .max(65535, { error: 'ports end at 65535' });

export const PortSpec = z
  .string()
  .max(MAX_PORT_SPEC_LENGTH, tooLong(`a port list is at most ${MAX_PORT_SPEC_LENGTH} characters`))
  .superRefine((spec, ctx) => {
    const parsed = parsePortSpec(spec);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message, params: parsed.issue });
  });

function hostBitsClear(prefix: string): boolean {
  const [addr, lenText] = prefix.split('/');
  if (lenText === undefined) return true;
  const len = Number(lenText);
  const octets = (addr ?? '').split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !Number.isInteger(o))) return true; // format check reports it
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - len);
  return value % hostBits === 0;
}
