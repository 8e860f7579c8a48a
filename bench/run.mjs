/**
 * npm run bench: every goal of issue #5, each in a namespace of its own
 * (created here, removed at the end, also on failure), one line per figure.
 * Needs root and a build (`npm run build`). Exits 1 when a goal is missed.
 *
 *   BENCH_ONLY=forwards,conntrack   run some goals only
 *   BENCH_RUNS=5                    alternating A/B runs per figure
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createNetns } from './lib.mjs';

const root = new URL('..', import.meta.url).pathname;
if (process.getuid?.() !== 0) {
  console.error('bench: needs root (network namespaces, nft, conntrack)');
  process.exit(2);
}
for (const f of ['packages/rules/dist/index.js', 'packages/lab/dist/index.js', 'apps/server/dist/server.js']) {
  if (!existsSync(root + f)) {
    console.error(`bench: ${f} is missing; run npm run build first`);
    process.exit(2);
  }
}

const GOALS = [
  { name: 'forwards', file: 'forwards.mjs', figures: ['1a', '1b', '1c', '2a', '2b', '3', '15.5a', '15.5b', '15.5c'] },
  { name: 'conntrack', file: 'conntrack.mjs', figures: ['4a', '4b', '4c', '4d'] },
  { name: 'events', file: 'events.mjs', figures: ['5'] },
  { name: 'http', file: 'http.mjs', figures: ['6'] },
  { name: 'ui', file: 'ui.mjs', figures: ['7'] },
  {
    name: 'conntrack1m',
    file: 'conntrack-1m.mjs',
    figures: ['15.1a', '15.1b', '15.1c', '15.1d', '15.1e', '15.1f', '15.6'],
  },
  { name: 'events50k', file: 'events-50k.mjs', figures: ['15.2a', '15.2b', '15.2c'] },
  { name: 'ui1m', file: 'ui-1m.mjs', figures: ['15.3a', '15.3b', '15.3c', '15.3d'] },
  // Issue #15 goal 4: the ruleset's cost on the data path, in a lab of its own.
  { name: 'datapath', file: 'datapath.mjs', figures: ['15.4a', '15.4b', '15.4c'] },
];
const only = process.env.BENCH_ONLY?.split(',');
let passed = 0;
let missed = 0;
for (const goal of GOALS) {
  if (only && !only.includes(goal.name)) continue;
  if (!existsSync(`${root}bench/${goal.file}`)) {
    missed += goal.figures.length;
    process.stdout.write(`MISS  ${goal.name} (${goal.figures.join(', ')}): no benchmark yet, not measured\n`);
    continue;
  }
  const ns = createNetns(goal.name);
  try {
    const out = await new Promise((resolve) => {
      const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, `${root}bench/${goal.file}`], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, BENCH_NETNS: ns.name },
      });
      let text = '';
      child.stdout.on('data', (d) => {
        text += d;
        process.stdout.write(d);
      });
      child.on('close', (code) => resolve({ text, code }));
    });
    const lines = out.text.split('\n');
    passed += lines.filter((l) => l.startsWith('PASS')).length;
    const m = lines.filter((l) => l.startsWith('MISS')).length;
    missed += m;
    const reported = lines.filter((l) => /^(PASS|MISS)/.test(l)).length;
    if (out.code !== 0 || reported < goal.figures.length) {
      const lost = Math.max(0, goal.figures.length - reported);
      missed += lost;
      process.stdout.write(`MISS  ${goal.name}: ${lost} figure(s) not measured (exit ${out.code})\n`);
    }
  } finally {
    ns.destroy();
  }
}
process.stdout.write(`\nbench: ${passed} goals met, ${missed} missed\n`);
process.exit(missed === 0 ? 0 : 1);
