/** The systemd engines reload only the units whose files changed, conntrackd first, through the Runner. */
import type { Runner } from '@gatehouse/rules';
import { describe, expect, it } from 'vitest';
import { SystemdEngines } from '../../src/services/ha/engines.js';

function recording(exitCode = 0) {
  const calls: string[] = [];
  const runner = {
    netns: undefined,
    async run(command: string, args: readonly string[]) {
      calls.push([command, ...args].join(' '));
      return {
        command,
        args,
        exitCode,
        stdout: '',
        stderr: exitCode ? 'Unit keepalived.service not found.' : '',
        durationMs: 1,
      };
    },
    stream() {
      throw new Error('not used');
    },
  } as unknown as Runner;
  return { runner, calls };
}

describe('systemd engines', () => {
  it('reload-or-restart the units whose files changed, and nothing when none did', async () => {
    const { runner, calls } = recording();
    const e = new SystemdEngines(runner);
    await e.reload({ keepalived: true, conntrackd: true });
    await e.reload({ keepalived: true, conntrackd: false });
    await e.reload({ keepalived: false, conntrackd: false });
    expect(calls).toEqual([
      'systemctl reload-or-restart conntrackd keepalived',
      'systemctl reload-or-restart keepalived',
    ]);
  });
  it('a unit that fails to reload is an error naming it', async () => {
    const { runner } = recording(5);
    await expect(new SystemdEngines(runner).reload({ keepalived: true, conntrackd: false })).rejects.toThrow(
      /reload-or-restart keepalived: Unit keepalived.service not found/,
    );
  });
});
