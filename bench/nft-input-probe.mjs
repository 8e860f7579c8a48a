/**
 * Probe for 15.5a/b (not a figure): how nft is handed a large script. The
 * same compiled table of n forwards, loaded in turn (order reversed every
 * other round) four ways:
 *   - pipe:   `nft -f -`, the script written to its stdin by this process;
 *   - fd:     `nft -f -`, a file on disk as its stdin (what nft.ts does);
 *   - file:   `nft -f FILE`, the same file named;
 *   - runner: applyRuleset() through the runner and the spawn helper.
 * nft reads its standard input into one buffer and parses that; a named
 * file it reads through stdio, which costs ~5% at 100,000 forwards.
 * Loads a table in this namespace, so run it inside one of your own:
 *
 *   ip netns add gh-probe && ip -n gh-probe link set lo up
 *   ip netns exec gh-probe node bench/nft-input-probe.mjs [forwards=10000] [rounds=21]
 *   ip netns del gh-probe
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyRuleset, compile, createRunner, GatewayModel } from '../packages/rules/dist/index.js';
import { assertOwnNetns, fmtMs, median, timeCommand } from './lib.mjs';
import { benchForwards, benchModel } from './server.mjs';

assertOwnNetns();
const n = Number(process.argv[2] ?? 10_000);
const rounds = Number(process.argv[3] ?? 21);
const script = compile(GatewayModel.parse({ ...benchModel(benchForwards(n)), table: 'gh_input_probe' }));
const dir = mkdtempSync(join(tmpdir(), 'gh-input-probe-'));
const file = join(dir, 'ruleset.nft');
writeFileSync(file, script);
const runner = createRunner({ fromHelper: true });

const fromFd = () =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const fd = openSync(file, 'r');
    const child = spawn('nft', ['-f', '-'], { stdio: [fd, 'ignore', 'inherit'] });
    closeSync(fd);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`)),
    );
  });
const ways = {
  pipe: () => timeCommand('nft', ['-f', '-'], { input: script }),
  fd: fromFd,
  file: () => timeCommand('nft', ['-f', file]),
  runner: async () => {
    const started = performance.now();
    await applyRuleset(script, { runner });
    return performance.now() - started;
  },
};
const names = Object.keys(ways);
const times = Object.fromEntries(names.map((k) => [k, []]));
try {
  for (const k of names) await ways[k]();
  for (let i = 0; i < rounds; i++) for (const k of i % 2 ? [...names].reverse() : names) times[k].push(await ways[k]());
} finally {
  await timeCommand('nft', ['delete', 'table', 'ip', 'gh_input_probe']).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${n} forwards, ${script.length} bytes, ${rounds} rounds (medians):\n`);
for (const k of names)
  process.stdout.write(
    `  ${k.padEnd(6)} ${fmtMs(median(times[k]))} (${fmtMs(Math.min(...times[k]))}-${fmtMs(Math.max(...times[k]))})\n`,
  );
