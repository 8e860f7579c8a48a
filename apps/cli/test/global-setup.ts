/** The tests use the built server (the package's own entry) and the built bin: build both first. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const apps = join(import.meta.dirname, '..', '..');
  const tsc = join(apps, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  for (const app of ['server', 'cli']) {
    execFileSync(process.execPath, [tsc, '-p', join(apps, app, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
}
