/**
 * The valid model the validation tests start from (each case breaks one
 * thing in it), and the problems validation reports, as path and English
 * message (codes and params have their own test, issue-codes.test.ts).
 * Shared by pure/model.test.ts and pure/model-limits.test.ts.
 */
import { expect } from 'vitest';
import { type GatewayModelInput, validateModel } from '../../src/model.js';

export const base = (): GatewayModelInput => ({
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gw', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [
    { id: 'ftp', name: 'FTP', publicPorts: '21', target: '192.168.1.2' },
    { id: 'web', name: 'web', publicPorts: '80,443', target: '192.168.1.3' },
  ],
  ftp: { enabled: true, controlPorts: [21], servers: ['192.168.1.2'], passiveOnly: false },
});

export function problems(input: unknown): Array<{ path: string; message: string }> {
  const r = validateModel(input);
  return r.ok ? [] : r.problems.map(({ path, message }) => ({ path, message }));
}

export function expectProblem(input: unknown, path: string, message: RegExp): void {
  expect(problems(input), `expected a problem at ${path}`).toContainEqual({
    path,
    message: expect.stringMatching(message),
  });
}
