#!/usr/bin/env node
/**
 * `npm test`: the whole suite. Sets up what is missing (Debian packages, npm
 * dependencies, build), then runs the unit, kernel and lab tests (vitest) and
 * the browser end-to-end suite (Playwright, when present), and ends with one
 * summary line: "tests: N passed, N failed, N skipped".
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { log, requireRoot, root, setup } from './setup.mjs';

requireRoot('npm test');
setup();

const out = join(root, 'test-results');
mkdirSync(out, { recursive: true });
const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

function vitest() {
  const file = join(out, 'vitest.json');
  rmSync(file, { force: true });
  const r = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${file}`,
      ...process.argv.slice(2).filter((a) => a !== '--no-e2e'),
    ],
    { stdio: 'inherit', cwd: root },
  );
  if (!existsSync(file)) {
    log(`vitest produced no report (exit ${r.status})`);
    totals.failed += 1;
    ok = false;
    return;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests;
  totals.failed += report.numFailedTests;
  totals.skipped += report.numPendingTests + report.numTodoTests;
  // A file that fails to load counts as a failure even though it ran no test.
  const brokenFiles = report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
  totals.failed += brokenFiles;
  if (r.status !== 0) ok = false;
}

function playwright() {
  const config = join(root, 'e2e', 'playwright.config.ts');
  if (!existsSync(config)) return;
  const file = join(out, 'e2e.json');
  rmSync(file, { force: true });
  const r = spawnSync('npx', ['playwright', 'test', '--config', config], {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: file },
  });
  if (!existsSync(file)) {
    log(`playwright produced no report (exit ${r.status})`);
    totals.failed += 1;
    ok = false;
    return;
  }
  const s = JSON.parse(readFileSync(file, 'utf8')).stats;
  totals.passed += s.expected + s.flaky;
  totals.failed += s.unexpected;
  totals.skipped += s.skipped;
  if (r.status !== 0) ok = false;
}

vitest();
if (!process.argv.includes('--no-e2e')) playwright();

process.stdout.write(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
