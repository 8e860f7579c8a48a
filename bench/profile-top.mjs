#!/usr/bin/env node
/**
 * Summarizes a V8 CPU profile (node --cpu-prof, e.g. through
 * BENCH_SERVER_NODE_ARGS): the top functions by self time and by total time,
 * and the main thread's busy time per window (to see what the start-up or a
 * long event-loop block was doing).
 *
 *   node bench/profile-top.mjs FILE.cpuprofile [--top 25] [--from MS] [--to MS] [--windows MS] [--stretches N]
 *
 * --from/--to limit it to a slice of the profile (ms from its start).
 * --stretches N: the N longest runs of busy samples (no idle sample in
 * between: the event loop did not get to wait), each with what ran most in it
 * (what an event-loop delay figure such as 15.2c is made of).
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const file = args.find((a) => a.endsWith('.cpuprofile'));
if (!file) {
  console.error('usage: profile-top.mjs FILE.cpuprofile [--top N] [--from MS] [--to MS] [--windows MS]');
  process.exit(2);
}
const top = opt('--top', 25);
const from = opt('--from', 0);
const to = opt('--to', Number.POSITIVE_INFINITY);
const windowMs = opt('--windows', 0);
const stretchCount = opt('--stretches', 0);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const url = f.url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\//, 'nm:')
    .replace(/.*\/(apps|packages)\//, '$1/');
  return `${f.functionName || '(anon)'} ${url}:${f.lineNumber + 1}`;
};
const idle = new Set(['(idle)', '(program)', '(garbage collector)']);
const self = new Map();
const total = new Map();
const windows = new Map();
let t = prof.startTime;
const stretches = [];
let stretch = null;
let sampled = 0;
let busy = 0;
let gc = 0;
for (let i = 0; i < prof.samples.length; i++) {
  t += prof.timeDeltas[i] ?? 0;
  const dt = (prof.timeDeltas[i + 1] ?? 0) / 1000;
  const at = (t - prof.startTime) / 1000;
  if (at < from || at > to) continue;
  const n = byId.get(prof.samples[i]);
  const name = n.callFrame.functionName;
  sampled += dt;
  if (name === '(idle)') {
    if (stretch) stretches.push(stretch);
    stretch = null;
    continue;
  }
  if (stretchCount) {
    stretch ??= { at, ms: 0, self: new Map() };
    stretch.ms += dt;
    const key = name === '(garbage collector)' ? 'GC' : label(byId.get(parent.get(n.id)) ?? n);
    const k2 = name === '(garbage collector)' ? 'GC' : `${label(n)} <- ${key}`;
    stretch.self.set(k2, (stretch.self.get(k2) ?? 0) + dt);
  }
  busy += dt;
  if (name === '(garbage collector)') gc += dt;
  if (windowMs) {
    const w = Math.floor(at / windowMs);
    windows.set(w, (windows.get(w) ?? 0) + dt);
  }
  const l = label(n);
  self.set(l, (self.get(l) ?? 0) + dt);
  const seen = new Set();
  for (let id = n.id; id !== undefined; id = parent.get(id)) {
    const p = byId.get(id);
    if (idle.has(p.callFrame.functionName) || p.callFrame.functionName === '(root)') continue;
    const pl = label(p);
    if (seen.has(pl)) continue;
    seen.add(pl);
    total.set(pl, (total.get(pl) ?? 0) + dt);
  }
}
const fmt = (ms) => `${ms.toFixed(0).padStart(7)} ms`;
console.log(`${file}: ${fmt(sampled)} sampled, ${fmt(busy)} busy, ${fmt(gc)} GC`);
console.log('\nself:');
for (const [l, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(ms)}  ${l}`);
console.log('\ntotal:');
for (const [l, ms] of [...total].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${fmt(ms)}  ${l}`);
if (windowMs) {
  console.log(`\nbusy per ${windowMs} ms window:`);
  for (const [w, ms] of [...windows].sort((a, b) => a[0] - b[0])) console.log(`${fmt(w * windowMs)}  ${fmt(ms)}`);
}
if (stretchCount) {
  if (stretch) stretches.push(stretch);
  console.log(`\nlongest busy stretches:`);
  for (const st of stretches.sort((a, b) => b.ms - a.ms).slice(0, stretchCount)) {
    console.log(`${fmt(st.ms)} at ${fmt(st.at)}`);
    for (const [l, ms] of [...st.self].sort((a, b) => b[1] - a[1]).slice(0, 6)) console.log(`    ${fmt(ms)}  ${l}`);
  }
}
