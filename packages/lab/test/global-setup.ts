import { cleanupStale } from '../src/index.js';

export async function setup(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new Error('lab tests need root (network namespaces)');
  }
  // Leftovers of earlier, killed runs (owner process dead).
  await cleanupStale();
}

export async function teardown(): Promise<void> {
  if (process.getuid?.() !== 0) return;
  // Safety net: test workers have exited by now, so anything they leaked is stale.
  const removed = await cleanupStale();
  if (removed.length > 0) {
    console.warn(`lab: removed namespaces leaked by the test run: ${removed.join(', ')}`);
  }
}
