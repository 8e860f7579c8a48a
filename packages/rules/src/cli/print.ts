#!/usr/bin/env node
/**
 * gatehouse-print MODEL.json [--check]: prints the nft script a model compiles
 * to (like firewall4's `fw4 print`); --check also runs it through `nft -c`.
 */
import { readFile } from 'node:fs/promises';
import { compile } from '../compile.js';
import { validateModel } from '../model.js';
import { checkRuleset, NftError } from '../nft.js';

async function main(argv: string[]): Promise<number> {
  const file = argv.find((a) => !a.startsWith('-'));
  if (!file || argv.includes('--help')) {
    process.stderr.write('usage: gatehouse-print MODEL.json [--check]\n');
    return file ? 0 : 2;
  }
  const parsed = validateModel(JSON.parse(await readFile(file === '-' ? '/dev/stdin' : file, 'utf8')));
  if (!parsed.ok) {
    for (const p of parsed.problems) process.stderr.write(`${file}: ${p.path || '(model)'}: ${p.message}\n`);
    return 1;
  }
  const script = compile(parsed.model);
  process.stdout.write(script);
  if (argv.includes('--check')) {
    try {
      await checkRuleset(script);
      process.stderr.write('nft -c: ok\n');
    } catch (err) {
      if (err instanceof NftError) {
        for (const d of err.diagnostics) process.stderr.write(`nft: line ${d.line ?? '?'}: ${d.message}\n`);
        return 1;
      }
      throw err;
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`gatehouse-print: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
