/** The launcher starts the built entry (dist/lab-panel-entry.js), which runs the built server: build both first. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  const apps = join(import.meta.dirname, '..', '..');
  const tsc = join(apps, '..', 'node_modules', 'typescript', 'bin', 'tsc');
  for (const app of ['server', 'demo']) {
    execFileSync(process.execPath, [tsc, '-p', join(apps, app, 'tsconfig.build.json')], { stdio: 'inherit' });
  }
}
