/**
 * Every code the server or the model can send has a sentence in both
 * catalogues, so a Japanese operator never falls back to the API's English:
 * the model's codes come from @gatehouse/rules, the server's error and
 * problem codes are collected from its source (every HttpError, every
 * `error:` and `code:` literal, the handler's maps), and the translator is
 * checked to use them, with params, in both languages.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayModel, GENERIC_ISSUE_CODES, MODEL_ISSUE_CODES } from '@gatehouse/rules/model';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiError } from '../src/lib/api';
import { errorText, issueText, lockoutText, problemText } from '../src/lib/errors';
import { serverFieldErrors, zodFieldErrors } from '../src/lib/form-errors';
import i18n from '../src/lib/i18n';
import { en } from '../src/locales/en';
import { ja } from '../src/locales/ja';

const SERVER_SRC = join(__dirname, '../../server/src');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

function serverCodes(): { errors: Set<string>; problems: Set<string> } {
  const errors = new Set<string>();
  const problems = new Set<string>();
  for (const text of sources(SERVER_SRC)) {
    for (const m of text.matchAll(/(?:HttpError|super)\(\s*\d{3},\s*'([a-z_]+)'/g)) errors.add(m[1] as string);
    for (const m of text.matchAll(/\berror: '([a-z_]+)'/g)) errors.add(m[1] as string);
    // zod's own `code: 'custom'` in superRefine is not a problem code: issueDetail maps it by its params.
    for (const m of text.matchAll(/\bcode: '([a-z_.]+)'/g)) if (m[1] !== 'custom') problems.add(m[1] as string);
  }
  const handler = readFileSync(join(SERVER_SRC, 'plugins/errors.ts'), 'utf8');
  for (const map of ['BY_FASTIFY_CODE', 'BY_STATUS']) {
    const body = handler.split(`const ${map}`)[1]?.split('};')[0] ?? '';
    for (const m of body.matchAll(/:\s*'([a-z_]+)'/g)) errors.add(m[1] as string);
  }
  return { errors, problems };
}

type Tree = { [key: string]: string | Tree };
function has(tree: Tree, key: string): boolean {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) node = typeof node === 'object' ? node[part] : undefined;
  return typeof node === 'string' && node.trim() !== '';
}

describe('codes the server and the model send', () => {
  const { errors, problems } = serverCodes();
  const problemCodes = [...MODEL_ISSUE_CODES, ...GENERIC_ISSUE_CODES, ...problems];

  it('are collected from the source (the scan still finds them)', () => {
    expect(errors.size).toBeGreaterThan(20);
    expect([...errors]).toEqual(expect.arrayContaining(['validation', 'lockout', 'apply_in_progress', 'internal']));
    expect([...problems]).toEqual(expect.arrayContaining(['lockout', 'invalid_cursor']));
  });

  it.each([
    ['en', en],
    ['ja', ja],
  ])('every error code has a sentence in %s', (_, catalogue) => {
    expect([...errors].filter((c) => !has(catalogue as Tree, `serverError.${c}`))).toEqual([]);
  });

  it.each([
    ['en', en],
    ['ja', ja],
  ])('every problem code has a sentence in %s', (_, catalogue) => {
    expect(problemCodes.filter((c) => !has(catalogue as Tree, `problem.${c}`))).toEqual([]);
  });
});

describe('the translator', () => {
  afterAll(() => i18n.changeLanguage('en'));

  const overlap = {
    path: 'body.publicPorts',
    message: 'tcp port(s) 21 already forwarded by "FTP"',
    code: 'forward.ports_overlap',
    params: { proto: 'tcp', ports: '21', other: 'FTP' },
  };

  it('says a server problem by its code and params, in Japanese', async () => {
    await i18n.changeLanguage('ja');
    expect(problemText(overlap)).toBe('tcp ポート 21 はすでに「FTP」が転送しています。');
    const err = new ApiError(
      400,
      'the gateway model would be invalid',
      {
        error: 'validation',
        message: 'the gateway model would be invalid',
        problems: [overlap],
      },
      null,
    );
    expect(serverFieldErrors(err, ['publicPorts'] as const)).toEqual({
      publicPorts: 'tcp ポート 21 はすでに「FTP」が転送しています。',
    });
  });

  it("says the model's own client-side issues in Japanese, not the model's English", async () => {
    await i18n.changeLanguage('ja');
    const r = GatewayModel.safeParse({
      interfaces: { wan: 'eth0', lan: ['eth1'] },
      forwards: [{ id: 'a', name: 'a', publicPorts: '70-60', target: '192.168.1.9' }],
    });
    expect(r.success).toBe(false);
    if (r.success) return;
    const issue = r.error.issues[0];
    expect(issue?.message).toBe('range 70-60 runs backwards');
    expect(issueText(issue as NonNullable<typeof issue>)).toBe('範囲 70-60 の順序が逆です。');
    expect(zodFieldErrors(r.error, ['publicPorts'] as const).publicPorts).toBe('範囲 70-60 の順序が逆です。');
  });

  it('says an error body by its code, and a lockout by the object responsible', async () => {
    await i18n.changeLanguage('ja');
    const busy = new ApiError(409, 'another apply is running', { error: 'apply_in_progress', message: 'x' }, null);
    expect(errorText(i18n.t, busy)).toBe(ja.serverError.apply_in_progress);
    expect(lockoutText({ reason: 'forward "ssh" ...', object: { kind: 'forward', id: 'ssh' } })).toBe(
      'フォワード「ssh」により、現在の接続がパネルに届かなくなります。',
    );
  });

  it('falls back to the English message only for a code it does not know', async () => {
    await i18n.changeLanguage('ja');
    expect(problemText({ message: 'something new', code: 'not.a.code' })).toBe('something new');
    expect(problemText({ message: 'no code at all' })).toBe('no code at all');
    await i18n.changeLanguage('en');
    expect(problemText(overlap)).toBe('tcp port(s) 21 already forwarded by "FTP".');
  });
});
