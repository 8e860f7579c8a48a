/**
 * Whole rulesets (scripts over 256 KB) are loaded by nft started from the
 * small spawn helper (spawn-helper.ts), not from the caller's process, with
 * the script's file as nft's standard input: the same results as a direct
 * start, in a throwaway namespace.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRuleset, NftError, readTable } from '../src/nft.js';
import { createRunner, type Runner } from '../src/runner.js';
import { createNetns, type TestNetns } from './support/netns.js';

/** One map of n elements: ~17 bytes an element, so 20,000 make a 350 KB script. */
function largeScript(n: number, type = 'inet_service'): string {
  const elements = Array.from({ length: n }, (_, i) => `${i + 1} : 10.0.0.1`).join(',\n');
  return `table ip gh_helper\ndelete table ip gh_helper\ntable ip gh_helper {\n\tmap m {\n\t\ttype ${type} : ipv4_addr\n\t\telements = { ${elements} }\n\t}\n}\n`;
}

describe('commands started from the spawn helper', () => {
  let ns: TestNetns;
  beforeAll(() => {
    ns = createNetns('helper');
  });
  afterAll(() => ns?.destroy());

  it('loads a large script and reports nft refusing one with its line', async () => {
    const script = largeScript(20_000);
    expect(script.length).toBeGreaterThan(256 * 1024);
    await applyRuleset(script, { runner: ns.runner });
    expect(await readTable('gh_helper', { runner: ns.runner }, { terse: true })).toContain('map m');
    const refused = applyRuleset(largeScript(20_000, 'no_such_type'), { runner: ns.runner });
    await expect(refused).rejects.toBeInstanceOf(NftError);
    await expect(refused).rejects.toThrow(/line 5: unknown datatype no_such_type/);
  });

  it('passes exit codes, standard output and time limits through', async () => {
    const ok = await ns.runner.run('nft', ['list', 'tables'], { fromHelper: true });
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toContain('table ip gh_helper');
    const slow = await ns.runner.run('sleep', ['5'], { fromHelper: true, reject: false, timeoutMs: 200 });
    expect(slow.exitCode).toBe(124);
    expect(slow.stderr).toMatch(/timed out after 200 ms/);
    const stdin = await ns.runner.run('cat', [], { fromHelper: true, input: 'a\nb\n' });
    expect(stdin.stdout).toBe('a\nb\n');
  });

  it('hands a file over as the standard input, from the helper and from this process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-input-file-'));
    try {
      const file = join(dir, 'in.txt');
      writeFileSync(file, 'from the file\n');
      for (const fromHelper of [true, false]) {
        const r = await ns.runner.run('cat', [], { fromHelper, inputFile: file, input: 'not this' });
        expect(r.stdout).toBe('from the file\n');
        const missing = await ns.runner.run('cat', [], { fromHelper, inputFile: join(dir, 'none'), reject: false });
        expect(missing.exitCode).not.toBe(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives nft a large script as its standard input (-f -), not by name, and leaves no file behind', async () => {
    const calls: { args: readonly string[]; inputFile?: string }[] = [];
    const spy: Runner = {
      ...ns.runner,
      run: (command, args, opts = {}) => {
        calls.push({ args, ...(opts.inputFile !== undefined ? { inputFile: opts.inputFile } : {}) });
        return ns.runner.run(command, args, opts);
      },
    };
    await applyRuleset(largeScript(20_000), { runner: spy });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).toEqual(['-f', '-']);
    const file = calls[0]?.inputFile as string;
    expect(file).toMatch(/gatehouse-nft-/);
    // Removed before the apply returns.
    expect(existsSync(dirname(file))).toBe(false);
    expect(await readTable('gh_helper', { runner: ns.runner }, { terse: true })).toContain('map m');
  });

  it('starts every run() from a helper on a runner made so (not the one of calls that ask for it), unless a call says fromHelper: false', async () => {
    const viaHelper = createRunner({ fromHelper: true });
    // The command prints its parent's pid: the helper's, or this process's.
    const parentOf = async (opts: { fromHelper?: boolean }) =>
      Number((await viaHelper.run(process.execPath, ['-e', 'console.log(process.ppid)'], opts)).stdout.trim());
    const helped = await parentOf({});
    expect(helped).toBeGreaterThan(0);
    expect(helped).not.toBe(process.pid);
    expect(await parentOf({ fromHelper: false })).toBe(process.pid);
    // Calls that ask for the helper themselves (nft -f) have one of their own:
    // a large output relayed for another command does not hold them up.
    const asked = await parentOf({ fromHelper: true });
    expect(asked).not.toBe(process.pid);
    expect(asked).not.toBe(helped);
    expect(await parentOf({})).toBe(helped);
    expect(
      Number((await createRunner().run(process.execPath, ['-e', 'console.log(process.ppid)'])).stdout.trim()),
    ).toBe(process.pid);
    const missing = await viaHelper.run('gatehouse-no-such-command', [], { reject: false });
    expect(missing.exitCode).not.toBe(0);
  });
});
